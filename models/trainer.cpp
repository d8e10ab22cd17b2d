#include "models/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "io/comparison_grid.hpp"
#include "io/data_identity.hpp"
#include "io/disk_space.hpp"
#include "io/leftover_temporaries.hpp"
#include "io/metrics_log.hpp"
#include "io/output_path.hpp"
#include "io/run_folder_lock.hpp"
#include "io/streaming_dataset.hpp"
#include "models/metrics_accumulator.hpp"
#include "models/model_checkpoint.hpp"
#include "runtime/error.hpp"
#include "runtime/host_staging.hpp"
#include "runtime/ops.hpp"
#include "runtime/stall_watchdog.hpp"
#include "runtime/vector_clones.hpp"

namespace latent {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

nlohmann::ordered_json row_of(const Metrics& m) {
  nlohmann::ordered_json row;
  for (auto& [k, v] : m.items()) row[k] = v;
  return row;
}

std::string format_eta(double seconds) {
  int s = static_cast<int>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

// A non-finite loss or parameter ends training with a message, never silently.
void check_finite(const Metrics& m, int64_t step, int64_t epoch) {
  for (auto& [k, v] : m.items())
    if (!std::isfinite(v))
      throw UserError("training diverged: " + k + " is " + std::to_string(v) + " at step " +
                      std::to_string(step) + " (epoch " + std::to_string(epoch + 1) +
                      "); lower --lr or check the data");
}

// Grids are previews: drawn for image samples (C, H, W) with 1 or 3 channels only.
bool drawable(const Shape& sample) {
  return sample.rank() == 3 && (sample[0] == 1 || sample[0] == 3);
}

// One vectorized pass (this runs on the training thread each step); NaN counts as outside.
LATENT_VECTOR_CLONES bool all_in_unit_interval(const float* __restrict p, int64_t n) {
  uint32_t outside = 0;
  for (int64_t i = 0; i < n; ++i)
    outside |= static_cast<uint32_t>(!(p[i] >= 0.0f)) | static_cast<uint32_t>(!(p[i] <= 1.0f));
  return outside == 0;
}

// bce reconstructions and the GAN's sigmoid generator model values in [0, 1]: data outside it
// trains to nonsense (a bce loss of 1e28) rather than failing, so it is refused by name. The
// check reads the batch as the dataset made it, in host memory.
void check_unit_interval(const Tensor& images, const DatasetSpec& spec, uint64_t first,
                         const std::string& why) {
  const float* p = images.data();
  const int64_t n = images.numel();
  if (all_in_unit_interval(p, n)) return;
  auto [lo, hi] = std::minmax_element(p, p + n);
  const int64_t at = (*lo < 0.0f ? lo : hi) - p;
  const int64_t per = n / std::max<int64_t>(1, images.dim(0));
  throw UserError(spec.path + ": /" + spec.images_name + " sample " +
                  std::to_string(first + static_cast<uint64_t>(at / per)) + " holds " +
                  std::to_string(p[at]) + "; " + why +
                  " expects values in [0, 1]: rescale the data (latent convert --scale 1/255 for "
                  "0..255 values) or train with --recon mse");
}

}  // namespace

struct Trainer::Impl {
  Model& model;
  Communicator& comm;
  const TrainOptions& opt;
  const std::string& config_text;
  bool writer;  // rank 0
  std::filesystem::path out;
  std::unique_ptr<RunFolderLock> folder_lock;
  std::unique_ptr<MetricsLog> log;  // opened with the run's first output, not before
  bool grids_drawable = true;
  TrainingPosition pos;
  Tensor grid_batch;  // the first images of the run, reconstructed in every epoch's grid
  std::unique_ptr<StreamingDataset> validation_data;
  // The training stream's own communicator: its prefetch thread exchanges samples on it while
  // this thread allreduces gradients on `comm`.
  std::unique_ptr<Communicator> data_comm;
  // The dataset makes batches in host memory; on a GPU they are uploaded here (on the CPU the
  // model reads the dataset's batch itself).
  Tensor device_batch;
  const Tensor& on_model_device(const Tensor& host) {
    return on_device(host, model.config().device, device_batch);
  }

  Impl(Model& m, Communicator& c, const TrainOptions& o, const std::string& text)
      : model(m), comm(c), opt(o), config_text(text), writer(c.rank() == 0), out(o.out) {}

  StreamingOptions stream_options(bool train) const {
    StreamingOptions s;
    s.rank = comm.rank();
    s.world = comm.size();
    s.seed = opt.seed;
    s.batch_per_rank = opt.batch;
    s.buffer_mb = opt.io_buffer_mb;
    s.shuffle = train;
    s.drop_last = train;  // validation sees every sample
    // Training reads each block once across the ranks and exchanges samples; validation reads
    // each rank's own share.
    if (train) s.exchange = data_comm.get();
    return s;
  }

  // Taken once every input has been checked: a second run into the same folder is refused
  // before either touches a file there. Temporaries that killed runs left (a SIGKILL during a
  // checkpoint write) go then: the lock says no other run writes here.
  void claim_run_folder() {
    if (!writer) return;
    folder_lock = std::make_unique<RunFolderLock>(out.string());
    for (const std::string& name : remove_dead_temporaries(out.string()))
      std::fprintf(stderr, "latent: note: removed %s/%s, left by a process that no longer runs\n",
                   out.string().c_str(), name.c_str());
  }

  // The training file's identity, kept in every checkpoint; a resume on other data is refused
  // (rank 0 reads it: a refusal ends every rank).
  RunOrigin origin;
  void identify_data() {
    if (!writer) return;
    origin.data = identify_dataset(opt.data);
    origin.data_path = opt.data.path;
    origin.init_from = opt.init_from;
    if (opt.resume.empty()) return;
    const RunOrigin trained = checkpoint_origin(opt.resume);
    origin.init_from = trained.init_from;
    if (!trained.data.known()) return;  // a checkpoint from before data identities
    const std::string diff = data_difference(trained.data, origin.data);
    if (!diff.empty())
      throw UserError("--resume " + opt.resume + ": --data " + opt.data.path +
                      " is not the data this run was trained on (" + trained.data_path +
                      "): " + diff +
                      "; a resumed run continues on its own data (the same file moved is fine); "
                      "to train these weights on other data, start a new run with --init-from " +
                      opt.resume);
  }

  // Before the first step: room on --out's file system for the checkpoint, twice over, since
  // each one is written beside the last before it replaces it (less the one already there).
  void check_room_for_checkpoints() {
    if (!writer) return;
    const std::string path = (out / "checkpoint.h5").string();
    const int64_t free = free_bytes_for(path);
    if (free < 0) return;  // unknown: the write itself reports a full disk by name
    const int64_t need = checkpoint_bytes_estimate(model, config_text);
    std::error_code ec;
    const auto existing = std::filesystem::file_size(path, ec);
    const int64_t want = 2 * need - (ec ? 0 : std::min<int64_t>(need, existing));
    if (free >= want) return;
    auto mb = [](int64_t bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MB"; };
    const std::string message = "--out " + out.string() + ": " + mb(free) +
                                " free where checkpoints go, but a checkpoint of this model takes "
                                "about " +
                                mb(need) + " and " + mb(want) +
                                " must be free to write the next beside the last";
    if (opt.space_check_refuses)
      throw UserError(message +
                      "; free some space, choose another --out, or train anyway with "
                      "--space-check warn");
    std::fprintf(stderr, "latent: warning: %s (--space-check warn: training anyway)\n",
                 message.c_str());
  }

  // A requested class that no sample has is most likely a typo.
  void warn_absent_classes(const StreamingDataset& data) const {
    if (!writer) return;
    for (int c : data.absent_classes())
      std::fprintf(stderr,
                   "latent: warning: --classes: no sample of %s%s has label %d; training on the "
                   "other classes\n",
                   opt.data.path.c_str(),
                   opt.data.part == DatasetSpec::Part::kTrain ? " (in the rows trained on)" : "",
                   c);
  }

  // config.ini and metrics.jsonl are (re)written only when the run has something to record:
  // a run refused at its first batch leaves an earlier run's files as they were.
  void open_outputs() {
    if (!writer || log) return;
    std::ofstream(out / "config.ini") << config_text;
    log = std::make_unique<MetricsLog>((out / "metrics.jsonl").string(), opt.resume.empty());
  }

  // Rank 0's parameters, statistics and optimizer state everywhere (and a check that every
  // rank built the same model).
  void broadcast_state() {
    if (comm.size() == 1) return;
    std::string text = config_text;
    comm.broadcast(text, 0);
    int differs = text != config_text;
    if (comm.allreduce_max(differs))
      throw UserError("ranks were started with different configs: rank " +
                      std::to_string(comm.rank()) + " differs from rank 0");
    const bool on_gpu = model.config().device != Device::kCpu;
    if (on_gpu && opt.node_shared && writer)
      std::fprintf(stderr,
                   "latent: note: --node-shared shares host memory between CPU ranks; with "
                   "--device %s gradients are summed by %s instead\n",
                   device_name(model.config().device),
                   opt.nccl ? "NCCL (--comm nccl)" : "the MPI collectives (--comm mpi)");
    for (Network* net : model.networks()) {
      broadcast_from_rank0(net->store().values());
      for (auto& s : net->layers().state()) broadcast_from_rank0(*s.tensor);
      for (auto& [name, t] : net->optimizer().state()) broadcast_from_rank0(*t);
      int64_t steps = net->optimizer().steps();
      comm.broadcast(&steps, 1, 0);
      net->optimizer().set_steps(steps);
      Network::SyncOptions sync;
      sync.bucket_bytes = static_cast<int64_t>(opt.bucket_mb * 1024 * 1024);
      sync.overlap = opt.overlap;
      sync.sharded = opt.shard_optimizer;
      sync.node_shared = opt.node_shared;
      sync.nccl = opt.nccl;
      net->enable_gradient_sync(comm, sync);
      if (opt.sync_bn)
        net->layers().sync_batch_statistics(
            [this](float* data, size_t n) { comm.allreduce_sum(data, n); });
    }
    // Global-batch statistics of the losses (KL sparsity's ρ̂) are always summed over ranks.
    model.set_rank_sum([this](float* data, size_t n) { comm.allreduce_sum(data, n); });
  }

  // The communicator moves host memory (MPI): a device tensor goes through a host copy
  // (device-aware collectives come with NCCL).
  void broadcast_from_rank0(Tensor& t) {
    in_host_memory(t, [&](float* values) { comm.broadcast(values, t.numel(), 0); });
  }

  void write_row(nlohmann::ordered_json row) {
    if (!writer) return;
    open_outputs();
    log->write(row);
  }

  void save() {
    for (Network* net : model.networks()) net->gather_optimizer_state();  // sharded: all of it
    if (!writer) return;
    open_outputs();
    save_checkpoint(model, (out / "checkpoint.h5").string(), config_text, pos, origin);
  }

  double comm_wait_seconds() {
    double s = 0;
    for (Network* net : model.networks())
      if (net->gradient_sync()) s += net->gradient_sync()->exposed_seconds();
    return s;
  }

  float lr_scale() const {
    if (opt.lr_warmup_steps <= 0) return 1.0f;
    return std::min(1.0f, static_cast<float>(pos.step + 1) / opt.lr_warmup_steps);
  }

  void remember_grid_batch(const Tensor& images) {
    if (!grid_batch.empty() || !writer) return;
    int64_t n = std::min(opt.grid_images, images.dim(0));
    grid_batch = Tensor(images.slice(0, n).shape());
    grid_batch.copy_from(images.slice(0, n));
  }

  // A preview never ends a run: a grid that cannot be drawn is reported and skipped.
  void write_grids(int64_t epoch) {
    if (!writer || !grids_drawable) return;
    open_outputs();
    try {
      draw_grids(epoch);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "latent: warning: no PNG grids for epoch %lld: %s\n",
                   static_cast<long long>(epoch + 1), e.what());
    }
  }

  void draw_grids(int64_t epoch) {
    std::string suffix = "_epoch" + std::to_string(epoch + 1) + ".png";
    Tensor images, host_images;  // the model's output, and its host copy on a GPU
    // Each grid is encoded once (other ranks wait while rank 0 draws): the epoch's file, copied
    // to the latest one's name.
    auto write = [&](const std::string& name, const std::vector<const Tensor*>& sets) {
      std::filesystem::path epoch_file = out / (name + suffix), latest = out / (name + ".png");
      write_comparison_grid(epoch_file.string(), sets, sets.front()->dim(0));
      std::filesystem::copy_file(epoch_file, latest,
                                 std::filesystem::copy_options::overwrite_existing);
    };
    if (model.kind() != "gan" && !grid_batch.empty()) {
      model.reconstruct(on_model_device(grid_batch),
                        BatchInfo{0, grid_batch.dim(0), opt.seed, 1.0f, 0}, images);
      // One picture of pairs: each row of originals above the row of their reconstructions.
      write("reconstructions", {&grid_batch, &on_host(images, host_images)});
    }
    if (model.samples_from_prior()) {
      model.generate(opt.grid_images, opt.seed, images);
      write("samples", {&on_host(images, host_images)});
    }
  }

  // True on every rank once any rank got SIGTERM/SIGUSR1/SIGINT: they agree at the same step,
  // so the checkpoint is written collectively.
  int stop_signal_seen = 0;
  bool stop_requested() {
    if (!opt.stop_signal) return false;
    int sig = static_cast<int>(*opt.stop_signal);
    if (comm.size() > 1) sig = comm.allreduce_max(sig);
    stop_signal_seen = sig;
    return sig != 0;
  }

  nlohmann::ordered_json position_row(const Metrics& mean) {
    nlohmann::ordered_json row{{"step", pos.step}, {"epoch", pos.epoch + 1}};
    row.update(row_of(mean));
    return row;
  }

  // The batch's labels, read only for models that train on them (the classifier).
  std::vector<int> labels;
  std::vector<int>* wanted_labels() { return model.needs_labels() ? &labels : nullptr; }
  void require_labels(const StreamingDataset& data, const DatasetSpec& spec) const {
    if (model.needs_labels() && !data.has_labels())
      throw UserError(spec.path + ": no /" + spec.labels_name + " dataset; --model " +
                      model.kind() + " trains on labels (--labels-dataset names them)");
  }

  bool has_validation() const { return !opt.val_data.empty() || opt.val_fraction > 0; }

  // The held-out part of the training file, or the validation file (same datasets, classes).
  DatasetSpec validation_spec() const {
    DatasetSpec v = opt.data;
    if (opt.val_fraction > 0) {
      v.part = DatasetSpec::Part::kHoldout;
    } else {
      v.path = opt.val_data;
      v.part = DatasetSpec::Part::kAll;
    }
    return v;
  }

  Metrics validate(int64_t epoch) {
    StreamingDataset& val = *validation_data;
    val.start_epoch(0);
    Tensor images;
    uint64_t first = 0;
    MetricsAccumulator acc;
    while (val.next_batch(images, wanted_labels(), &first)) {
      acc.add(model.evaluate(on_model_device(images),
                             BatchInfo{first, images.dim(0), opt.seed, 1.0f, pos.step, &labels},
                             nullptr),
              static_cast<double>(images.dim(0)));
    }
    Metrics m = acc.reduce(comm);
    nlohmann::ordered_json row{{"split", "val"}, {"step", pos.step}, {"epoch", epoch + 1}};
    row.update(row_of(m));
    write_row(row);
    return m;
  }

  void progress(int64_t step_in_epoch, int64_t steps_per_epoch, int64_t total_steps, double rate,
                double eta, const Metrics& m) {
    if (!writer) return;
    std::string loss;
    for (auto& [k, v] : m.items())
      if (k == "loss" || k == "loss_d" || k == "loss_g") loss += " " + k + " " + std::to_string(v);
    if (opt.progress_bar) {
      int width = 30,
          filled = static_cast<int>(width * step_in_epoch / std::max<int64_t>(1, steps_per_epoch));
      std::printf("\repoch %lld [%s%s] %lld/%lld %.0f samples/s ETA %s%s   ",
                  static_cast<long long>(pos.epoch + 1), std::string(filled, '#').c_str(),
                  std::string(width - filled, ' ').c_str(), static_cast<long long>(step_in_epoch),
                  static_cast<long long>(steps_per_epoch), rate, format_eta(eta).c_str(),
                  loss.c_str());
    } else {
      std::printf("step %lld/%lld epoch %lld %.0f samples/s ETA %s%s\n",
                  static_cast<long long>(pos.step), static_cast<long long>(total_steps),
                  static_cast<long long>(pos.epoch + 1), rate, format_eta(eta).c_str(),
                  loss.c_str());
    }
    std::fflush(stdout);
  }

  void pretrain(StreamingDataset& data) {
    for (int e = 0; e < model.pretrain_epochs(); ++e) {
      data.start_epoch(1000000 + e);  // orders of their own, not the main epochs'
      Tensor images;
      uint64_t first = 0;
      MetricsAccumulator acc;
      for (int64_t s = 0; data.next_batch(images, nullptr, &first); ++s)
        acc.add(
            model.pretrain_step(on_model_device(images),
                                BatchInfo{first, data.global_batch_rows(s), opt.seed, 1.0f, s}));
      nlohmann::ordered_json row{{"phase", "pretrain"}, {"epoch", e + 1}};
      row.update(row_of(acc.reduce(comm)));
      write_row(row);
    }
  }

  TrainSummary run() {
    // Every input is checked before the run folder is touched: bad input leaves an earlier
    // run's files as they were.
    if (comm.size() > 1 && comm.concurrent_threads()) data_comm = comm.duplicate();
    StreamingDataset data(opt.data, stream_options(true));
    warn_absent_classes(data);
    if (has_validation())
      validation_data =
          std::make_unique<StreamingDataset>(validation_spec(), stream_options(false));
    // An mlp takes any layout of the same values per sample ((784) or (1, 28, 28)); conv needs
    // the same image shape.
    if (validation_data &&
        (validation_data->sample_shape().numel() != data.sample_shape().numel() ||
         (model.config().arch == "conv" &&
          !(validation_data->sample_shape() == data.sample_shape()))))
      throw UserError(validation_spec().path + ": validation samples have shape " +
                      validation_data->sample_shape().str() + "; expected " +
                      data.sample_shape().str() + " like the training data " + opt.data.path);
    require_labels(data, opt.data);
    if (validation_data) require_labels(*validation_data, validation_spec());
    // A classifier's input is not what it outputs: nothing to draw.
    grids_drawable = drawable(data.sample_shape()) && !model.needs_labels();
    if (!grids_drawable && writer && !model.needs_labels())
      std::fprintf(stderr, "latent: note: samples of shape %s are not images; no PNG grids\n",
                   data.sample_shape().str().c_str());
    identify_data();
    if (!opt.resume.empty()) {
      pos = load_checkpoint(model, opt.resume);
      forget_input_file(opt.resume);  // a resumed run goes on to replace it
    } else if (!opt.init_from.empty()) {
      std::error_code ec;
      if (std::filesystem::equivalent(opt.init_from, out / "checkpoint.h5", ec))
        throw UserError("--init-from " + opt.init_from +
                        " is the checkpoint this new run would "
                        "replace (--out " +
                        out.string() +
                        "): choose another --out, or continue "
                        "that run with --resume");
      load_weights(model, opt.init_from);  // a new run: its own optimizer state, step 0
    }
    // A resumed run continues the checkpoint's random streams (launch/ takes its seed).
    if (!opt.resume.empty() && pos.seed != opt.seed)
      throw UserError("--resume " + opt.resume + ": the checkpoint was trained with seed " +
                      std::to_string(pos.seed) + ", this run has seed " + std::to_string(opt.seed));
    check_room_for_checkpoints();
    claim_run_folder();
    pos.seed = opt.seed;
    pos.world_size = comm.size();
    broadcast_state();
    if (pos.step == 0) pretrain(data);

    int64_t steps_per_epoch = data.steps_per_epoch();
    int64_t total = opt.epochs * steps_per_epoch;
    if (opt.max_steps > 0) total = std::min(total, opt.max_steps);
    TrainSummary summary;
    auto start = Clock::now();
    auto last_log = start;
    int64_t samples_since_log = 0, samples_total = 0, steps_at_start = pos.step;
    MetricsAccumulator acc;
    Tensor images;
    uint64_t first = 0;
    const ModelConfig& mc = model.config();
    const bool unit_interval = mc.kind == "gan" || (mc.recon == "bce" && !model.needs_labels());
    const std::string unit_why = mc.kind == "gan" ? "the gan's sigmoid generator" : "--recon bce";
    const int64_t checked_epoch = pos.epoch;  // the data is the same every epoch
    auto finish = [&] {                       // the run's totals, however it ended
      summary.steps = pos.step - steps_at_start;
      summary.seconds = seconds_since(start);
      summary.samples_per_s = samples_total / std::max(1e-9, summary.seconds);
      return summary;
    };

    for (; pos.epoch < opt.epochs && pos.step < total; ++pos.epoch) {
      data.start_epoch(pos.epoch);
      for (int64_t skip = 0; skip < pos.step_in_epoch; ++skip)  // resuming mid-epoch
        data.next_batch(images, nullptr, &first);
      auto wait_start = Clock::now();
      while (pos.step < total && data.next_batch(images, wanted_labels(), &first)) {
        double data_wait = seconds_since(wait_start);
        if (unit_interval && pos.epoch == checked_epoch)
          check_unit_interval(images, opt.data, first, unit_why);
        remember_grid_batch(images);
        int64_t global = data.global_batch_rows(pos.step_in_epoch);
        set_stall_step(pos.step);  // named if a peer stalls in this step
        double comm_before = comm_wait_seconds();
        auto step_start = Clock::now();
        Metrics m =
            model.train_step(on_model_device(images),
                             BatchInfo{first, global, opt.seed, lr_scale(), pos.step, &labels});
        check_finite(m, pos.step, pos.epoch);
        // Where a step's time goes: the whole update, the part blocked on gradient allreduce
        // (not hidden behind backward), and the wait for the prefetched batch.
        m.set("step_s", seconds_since(step_start));
        m.set("comm_wait_s", comm_wait_seconds() - comm_before);
        m.set("data_wait_s", data_wait);
        acc.add(m);
        ++pos.step, ++pos.step_in_epoch;
        samples_since_log += global, samples_total += global;
        bool end_of_epoch = pos.step_in_epoch == steps_per_epoch || pos.step == total;
        if (pos.step % opt.log_every == 0 || end_of_epoch) {
          for (Network* net : model.networks())
            if (!ops::all_finite(net->store().values()))
              throw UserError("training diverged: " + net->name() +
                              " parameters are not finite at step " + std::to_string(pos.step) +
                              "; lower --lr");
          Metrics mean = acc.reduce(comm);
          acc.clear();
          double rate = samples_since_log / std::max(1e-9, seconds_since(last_log));
          double eta = (total - pos.step) * (seconds_since(start) / (pos.step - steps_at_start));
          nlohmann::ordered_json row{
              {"step", pos.step}, {"epoch", pos.epoch + 1}, {"samples_per_s", rate}};
          row.update(row_of(mean));
          write_row(row);
          progress(pos.step_in_epoch, steps_per_epoch, total, rate, eta, mean);
          summary.last_train = mean;
          last_log = Clock::now();
          samples_since_log = 0;
        }
        if (opt.checkpoint_every > 0 && pos.step % opt.checkpoint_every == 0) save();
        if (stop_requested()) {
          if (!acc.empty()) write_row(position_row(acc.reduce(comm)));
          save();
          summary.stopped_by_signal = stop_signal_seen;
          summary.steps_done = pos.step;
          return finish();
        }
        wait_start = Clock::now();
      }
      if (pos.step_in_epoch < steps_per_epoch) break;  // stopped by --max-steps
      if (opt.progress_bar && writer) std::printf("\n");
      if (has_validation()) summary.last_val = validate(pos.epoch);
      write_grids(pos.epoch);
      // Rank 0 alone writes the epoch's rows and grids. The others wait for it here, so the
      // next epoch's first step does not count that drawing as waiting for gradients.
      if (comm.size() > 1) comm.barrier();
      pos.step_in_epoch = 0;
      last_log = Clock::now();  // the next rate counts training only
    }
    if (opt.progress_bar && writer) std::printf("\n");
    if (pos.step_in_epoch > 0) {  // stopped inside an epoch: its end-of-run evaluation
      if (has_validation()) summary.last_val = validate(pos.epoch);
      write_grids(pos.epoch);
    }
    save();
    return finish();
  }
};

Trainer::Trainer(Model& model, Communicator& comm, const TrainOptions& options,
                 const std::string& config_text)
    : model_(model), comm_(comm), opt_(options), config_text_(config_text) {}

TrainSummary Trainer::run() {
  return Impl(model_, comm_, opt_, config_text_).run();
}

}  // namespace latent
