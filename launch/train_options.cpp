#include "launch/train_options.hpp"

#include "launch/app_support.hpp"
#include "models/option_values.hpp"
#include "runtime/error.hpp"
#include "runtime/machine_memory.hpp"
#include "runtime/rng.hpp"

namespace latent {

const std::vector<TrainOptionSpec>& training_option_specs() {
  static const std::vector<TrainOptionSpec> specs = {
      // A path: the file may have moved between scratch folders (its shape is still checked).
      {"data", "", "training set (HDF5, /images (N,C,H,W) or (N,D))", OnResume::kMayChange},
      {"dataset", "images", "name of the images dataset in the file"},
      {"labels-dataset", "labels", "name of the labels dataset"},
      {"classes", "", "train only on these labels, e.g. 0,4"},
      {"val-data", "", "validation set (HDF5), evaluated at each epoch's end",
       OnResume::kMayChange},
      {"val-fraction", "0", "or hold out this share of --data for validation (a fixed split)"},
      {"epochs", "10", "passes over the data", OnResume::kMayChange},
      {"max-steps", "0", "stop after this many updates (0: no limit)", OnResume::kMayChange},
      {"batch", "128", "batch per rank (the global batch is ranks × batch)"},
      {"seed", "1", "seed of every random stream (init, order, noise)"},
      {"threads", "0", kThreadsHelp, OnResume::kMayChange},
      {"out", "runs/latest", "run folder: config.ini, metrics.jsonl, checkpoint.h5, PNG grids",
       OnResume::kMayChange},
      {"checkpoint-every", "0", "also write the checkpoint every N steps (0: only at the end)",
       OnResume::kMayChange},
      // It sizes the shuffle window, so it shapes the data order: the checkpoint's value holds.
      {"io-buffer-mb", "256", "prefetch buffer per rank and dataset (training, validation), MB"},
      {"log-every", "50", "steps between metrics rows", OnResume::kMayChange},
      {"lr-warmup-steps", "0", "ramp the learning rate linearly from 0 over these steps"},
      // MPI moves a non-blocking collective only inside MPI calls: small buckets progress while
      // backward goes on; buckets of 1 MB and more went through paths up to twice as slow (VAE,
      // 2 ranks, bench/RESULTS.md).
      {"bucket-mb", "0.25", "gradient bucket size (MB)", OnResume::kMayChange},
      {"overlap", "true", "overlap bucket allreduces with backward (false: one allreduce)",
       OnResume::kMayChange},
      {"node-shared", "true",
       "ranks of a node keep one copy of the parameters and optimizer state in shared memory; "
       "each sums and updates its slice, straight from the others' memory (false: MPI "
       "collectives, as between nodes)",
       OnResume::kMayChange},
      {"shard-optimizer", "true",
       "each rank updates its part of the parameters, then all gather them (ZeRO-1: the "
       "optimizer's work divided by the ranks; false: every rank updates all)",
       OnResume::kMayChange},
      {"sync-bn", "false", "batch-norm statistics over all ranks (true) or each rank's batch"},
      // Ten minutes, as PyTorch's NCCL watchdog: longer than any checkpoint write, validation pass
      // or
      // slow file-system open that legitimately keeps a rank from its peers.
      {"stall-timeout", "600",
       "seconds a rank waits for its peers before the job ends naming the ranks that did not "
       "arrive (exit status 76); 0: wait forever",
       OnResume::kMayChange},
      {"space-check", "refuse",
       "before the first step, room for two checkpoints on --out's file system: refuse | warn",
       OnResume::kMayChange},
      // Rounding only: a run may resume in another precision.
      {"precision", "fp32",
       "arithmetic of matmuls and convolutions: fp32, or bf16 (bf16 inputs, fp32 accumulation; "
       "weights, gradients, optimizer state, batch-norm statistics and losses stay fp32; needs "
       "avx512_bf16 or AMX on a CPU)",
       OnResume::kMayChange},
      {"tf32", "false",
       "GPU: let fp32 matmuls and convolutions round their inputs to TF32 on tensor cores "
       "(no effect on a CPU)",
       OnResume::kMayChange},
      {"comm", "nccl",
       "how GPU ranks sum gradients: nccl (on the GPUs, overlapping backward; needs a GPU per "
       "rank: by default MPI replaces it, with a note, on a node with more ranks than GPUs, and "
       "given explicitly it is refused there) or mpi (through host copies); CPU ranks always "
       "use MPI",
       OnResume::kMayChange},
  };
  return specs;
}

const std::vector<TrainOptionSpec>& process_option_specs() {
  static const std::vector<TrainOptionSpec> specs = {
      {"device", "cpu", kDeviceHelp, OnResume::kMayChange},
  };
  return specs;
}

TrainOptions training_options_from(const OptionValues& get) {
  TrainOptions t;
  t.data.path = get("data");
  if (t.data.path.empty()) throw UserError("--data: a training set (HDF5) is required");
  t.data.images_name = get("dataset");
  t.data.labels_name = get("labels-dataset");
  for (int64_t c : option_int_list("classes", get("classes")))
    t.data.classes.push_back(static_cast<int>(c));
  t.val_data = get("val-data");
  t.val_fraction = option_number("val-fraction", get("val-fraction"));
  if (!(t.val_fraction >= 0 && t.val_fraction < 1))
    throw UserError("--val-fraction " + get("val-fraction") + ": expected a share in [0, 1)");
  if (t.val_fraction > 0 && !t.val_data.empty())
    throw UserError("--val-fraction and --val-data: give one or the other");
  t.epochs = option_int("epochs", get("epochs"));
  t.max_steps = option_int("max-steps", get("max-steps"));
  t.batch = option_int("batch", get("batch"));
  t.seed = checked_seed(static_cast<uint64_t>(option_int("seed", get("seed"))));
  if (t.val_fraction > 0) {  // train on the rest; the split is fixed by the seed
    t.data.part = DatasetSpec::Part::kTrain;
    t.data.holdout_fraction = t.val_fraction;
    t.data.holdout_seed = t.seed;
  }
  t.out = get("out");
  t.checkpoint_every = option_int("checkpoint-every", get("checkpoint-every"));
  t.io_buffer_mb = option_number("io-buffer-mb", get("io-buffer-mb"));
  t.log_every = option_int("log-every", get("log-every"));
  t.lr_warmup_steps = option_int("lr-warmup-steps", get("lr-warmup-steps"));
  t.bucket_mb = option_number("bucket-mb", get("bucket-mb"));
  t.overlap = option_bool("overlap", get("overlap"));
  t.shard_optimizer = option_bool("shard-optimizer", get("shard-optimizer"));
  t.node_shared = option_bool("node-shared", get("node-shared"));
  t.sync_bn = option_bool("sync-bn", get("sync-bn"));
  const std::string comm = get("comm");
  if (comm != "nccl" && comm != "mpi")
    throw UserError("--comm '" + comm + "': expected nccl or mpi");
  t.nccl = comm == "nccl";
  t.stall_timeout_s = option_number("stall-timeout", get("stall-timeout"));
  if (!(t.stall_timeout_s >= 0 && t.stall_timeout_s <= 7 * 24 * 3600))
    throw UserError("--stall-timeout " + get("stall-timeout") +
                    ": expected seconds from 0 (wait forever) to 604800 (a week)");
  const std::string space = get("space-check");
  if (space != "refuse" && space != "warn")
    throw UserError("--space-check '" + space + "': expected refuse or warn");
  t.space_check_refuses = space == "refuse";
  auto positive = [](int64_t v, const char* name) {
    if (v <= 0)
      throw UserError("--" + std::string(name) + " " + std::to_string(v) + ": expected > 0");
  };
  positive(t.epochs, "epochs");
  positive(t.batch, "batch");
  positive(t.log_every, "log-every");
  if (t.max_steps < 0) throw UserError("--max-steps: expected >= 0");
  if (t.checkpoint_every < 0) throw UserError("--checkpoint-every: expected >= 0");
  if (t.lr_warmup_steps < 0) throw UserError("--lr-warmup-steps: expected >= 0");
  if (!(t.io_buffer_mb > 0)) throw UserError("--io-buffer-mb: expected > 0");
  // Two of them per rank (training and validation): each must fit in memory.
  const double memory_mb = physical_memory_bytes() / (1 << 20);
  if (memory_mb > 0 && t.io_buffer_mb > memory_mb / 2)
    throw UserError("--io-buffer-mb " + get("io-buffer-mb") + ": expected at most " +
                    std::to_string(static_cast<int64_t>(memory_mb / 2)) +
                    " (half of this machine's memory)");
  if (!(t.bucket_mb > 0)) throw UserError("--bucket-mb: expected > 0");
  return t;
}

}  // namespace latent
