#include "launch/run_config.hpp"

#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "launch/app_support.hpp"
#include "launch/ini_text.hpp"
#include "launch/option_parsing.hpp"
#include "models/model_checkpoint.hpp"
#include "runtime/error.hpp"
#include "runtime/machine_memory.hpp"
#include "runtime/rng.hpp"

namespace po = boost::program_options;

namespace latent {
namespace {

// On --resume an option either shapes the computation, so the checkpoint's value holds and a
// different one is refused, or only extends / observes the run and may change.
enum class OnResume { kCheckpointHolds, kMayChange };

struct OptionSpec {
  const char* name;
  const char* default_value;
  const char* help;
  OnResume on_resume = OnResume::kCheckpointHolds;
};

// Every option, its default and what it means. Values are strings here and are converted with
// messages that name the option.
const OptionSpec kModelOptions[] = {
    {"model", "vae", "ae | sparse-ae | denoising-ae | vae | gan | classifier"},
    {"arch", "mlp", "mlp | conv (DCGAN-style; image data with H, W divisible by 4)"},
    {"hidden", "400", "mlp hidden widths, encoder order, e.g. 400,200"},
    {"conv-widths", "64,128", "conv channels of the two strided layers"},
    {"latent", "20", "code / latent size"},
    {"activation", "relu", "hidden activation: relu | leaky-relu | tanh | sigmoid | linear"},
    {"recon", "bce", "reconstruction loss: bce (on logits, data in [0,1]) | mse"},
    {"sparsity", "l1", "sparse-ae penalty: l1 (λ Σ|a|) | kl (Bernoulli KL to the target rate)"},
    {"sparsity-weight", "0.001", "sparse-ae: λ (l1) or w (kl)"},
    {"sparsity-target", "0.05", "sparse-ae kl: target rate ρ"},
    {"noise", "gaussian", "denoising-ae corruption: gaussian | masking | salt-pepper"},
    {"noise-level", "0.3", "denoising-ae: σ (gaussian) or probability (masking, salt-pepper)"},
    {"beta", "1", "vae: weight of the KL term"},
    {"num-classes", "auto",
     "classifier: classes, labels 0..N-1 (auto: 1 + the largest label in --data's labels)"},
    {"gan-loss", "bce", "gan: bce (non-saturating) | hinge"},
    {"d-steps", "1", "gan: discriminator updates per round"},
    {"g-steps", "1", "gan: generator updates per round"},
    {"label-smoothing", "0", "gan: real label 1 - s"},
    {"pretrain-epochs", "0", "gan: first train G as an autoencoder's decoder for K epochs"},
    {"optimizer", "adam", "adam | sgd"},
    {"lr", "0.001", "learning rate (ae, vae)"},
    {"lr-d", "0.0002", "gan: discriminator learning rate"},
    {"lr-g", "0.0002", "gan: generator learning rate"},
    {"momentum", "0.9", "sgd momentum"},
    {"adam-beta1", "auto", "Adam β1 (auto: 0.5 for gan, 0.9 otherwise)"},
    {"adam-beta2", "0.999", "Adam β2"},
    {"weight-decay", "0", "L2 weight decay"},
};

const OptionSpec kTrainOptions[] = {
    // A path: the file may have moved between scratch folders (its shape is still checked).
    {"data", "", "training set (HDF5, /images (N,C,H,W) or (N,D))", OnResume::kMayChange},
    {"dataset", "images", "name of the images dataset in the file"},
    {"labels-dataset", "labels", "name of the labels dataset"},
    {"classes", "", "train only on these labels, e.g. 0,4"},
    {"val-data", "", "validation set (HDF5), evaluated at each epoch's end", OnResume::kMayChange},
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
    // Ten minutes, as PyTorch's NCCL watchdog: longer than any checkpoint write, validation pass or
    // slow file-system open that legitimately keeps a rank from its peers.
    {"stall-timeout", "600",
     "seconds a rank waits for its peers before the job ends naming the ranks that did not "
     "arrive (exit status 76); 0: wait forever",
     OnResume::kMayChange},
    {"space-check", "refuse",
     "before the first step, room for two checkpoints on --out's file system: refuse | warn",
     OnResume::kMayChange},
    {"comm", "nccl",
     "how GPU ranks sum gradients: nccl (on the GPUs, overlapping backward) or mpi (through "
     "host copies); CPU ranks always use MPI",
     OnResume::kMayChange},
};

// Options of this process only, like --threads but kept out of the resolved config (config.ini,
// the checkpoint's text): a checkpoint is the same whatever device trained it, and a resumed or
// evaluated run picks its own.
const OptionSpec kProcessOptions[] = {
    {"device", "cpu", kDeviceHelp, OnResume::kMayChange},
};

po::options_description describe(const OptionSpec* begin, const OptionSpec* end,
                                 const char* title) {
  po::options_description d(title);
  for (const OptionSpec* o = begin; o != end; ++o)
    d.add_options()(o->name, po::value<std::string>()->default_value(o->default_value), o->help);
  return d;
}

std::string get(const po::variables_map& vm, const char* name) {
  return vm[name].as<std::string>();
}

double to_number(const po::variables_map& vm, const char* name) {
  std::string v = get(vm, name);
  try {
    size_t used = 0;
    double d = std::stod(v, &used);
    if (used == v.size()) return d;
  } catch (const std::exception&) {
  }
  throw UserError("--" + std::string(name) + " '" + v + "': expected a number");
}

int64_t to_int(const po::variables_map& vm, const char* name) {
  double d = to_number(vm, name);
  if (d != static_cast<double>(static_cast<int64_t>(d)))
    throw UserError("--" + std::string(name) + " '" + get(vm, name) + "': expected an integer");
  return static_cast<int64_t>(d);
}

std::vector<int64_t> to_int_list(const po::variables_map& vm, const char* name) {
  std::vector<int64_t> out;
  std::stringstream ss(get(vm, name));
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    try {
      size_t used = 0;
      out.push_back(std::stoll(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw UserError("--" + std::string(name) + " '" + get(vm, name) +
                      "': expected comma-separated integers");
    }
  }
  return out;
}

bool to_bool(const po::variables_map& vm, const char* name) {
  std::string v = get(vm, name);
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  throw UserError("--" + std::string(name) + " '" + v + "': expected true or false");
}

ModelConfig model_from(const po::variables_map& vm) {
  ModelConfig c;
  c.kind = get(vm, "model");
  c.arch = get(vm, "arch");
  c.hidden = to_int_list(vm, "hidden");
  c.conv_widths = to_int_list(vm, "conv-widths");
  c.latent = to_int(vm, "latent");
  c.activation = get(vm, "activation");
  c.recon = get(vm, "recon");
  c.sparsity = get(vm, "sparsity");
  c.sparsity_weight = static_cast<float>(to_number(vm, "sparsity-weight"));
  c.sparsity_target = static_cast<float>(to_number(vm, "sparsity-target"));
  c.noise = get(vm, "noise");
  c.noise_level = static_cast<float>(to_number(vm, "noise-level"));
  c.beta = static_cast<float>(to_number(vm, "beta"));
  c.num_classes = get(vm, "num-classes") == "auto" ? 0 : to_int(vm, "num-classes");
  c.gan_loss = get(vm, "gan-loss");
  c.d_steps = static_cast<int>(to_int(vm, "d-steps"));
  c.g_steps = static_cast<int>(to_int(vm, "g-steps"));
  c.label_smoothing = static_cast<float>(to_number(vm, "label-smoothing"));
  c.pretrain_epochs = static_cast<int>(to_int(vm, "pretrain-epochs"));
  c.optimizer.kind = get(vm, "optimizer");
  c.lr = static_cast<float>(to_number(vm, "lr"));
  c.lr_d = static_cast<float>(to_number(vm, "lr-d"));
  c.lr_g = static_cast<float>(to_number(vm, "lr-g"));
  c.optimizer.momentum = static_cast<float>(to_number(vm, "momentum"));
  c.optimizer.beta1 = get(vm, "adam-beta1") == "auto"
                          ? (c.kind == "gan" ? 0.5f : 0.9f)
                          : static_cast<float>(to_number(vm, "adam-beta1"));
  c.optimizer.beta2 = static_cast<float>(to_number(vm, "adam-beta2"));
  c.optimizer.weight_decay = static_cast<float>(to_number(vm, "weight-decay"));
  return c;
}

TrainOptions train_from(const po::variables_map& vm) {
  TrainOptions t;
  t.data.path = get(vm, "data");
  if (t.data.path.empty()) throw UserError("--data: a training set (HDF5) is required");
  t.data.images_name = get(vm, "dataset");
  t.data.labels_name = get(vm, "labels-dataset");
  for (int64_t c : to_int_list(vm, "classes")) t.data.classes.push_back(static_cast<int>(c));
  t.val_data = get(vm, "val-data");
  t.val_fraction = to_number(vm, "val-fraction");
  if (!(t.val_fraction >= 0 && t.val_fraction < 1))
    throw UserError("--val-fraction " + get(vm, "val-fraction") + ": expected a share in [0, 1)");
  if (t.val_fraction > 0 && !t.val_data.empty())
    throw UserError("--val-fraction and --val-data: give one or the other");
  t.epochs = to_int(vm, "epochs");
  t.max_steps = to_int(vm, "max-steps");
  t.batch = to_int(vm, "batch");
  t.seed = checked_seed(static_cast<uint64_t>(to_int(vm, "seed")));
  if (t.val_fraction > 0) {  // train on the rest; the split is fixed by the seed
    t.data.part = DatasetSpec::Part::kTrain;
    t.data.holdout_fraction = t.val_fraction;
    t.data.holdout_seed = t.seed;
  }
  t.out = get(vm, "out");
  t.checkpoint_every = to_int(vm, "checkpoint-every");
  t.io_buffer_mb = to_number(vm, "io-buffer-mb");
  t.log_every = to_int(vm, "log-every");
  t.lr_warmup_steps = to_int(vm, "lr-warmup-steps");
  t.bucket_mb = to_number(vm, "bucket-mb");
  t.overlap = to_bool(vm, "overlap");
  t.shard_optimizer = to_bool(vm, "shard-optimizer");
  t.node_shared = to_bool(vm, "node-shared");
  t.sync_bn = to_bool(vm, "sync-bn");
  const std::string comm = get(vm, "comm");
  if (comm != "nccl" && comm != "mpi")
    throw UserError("--comm '" + comm + "': expected nccl or mpi");
  t.nccl = comm == "nccl";
  t.stall_timeout_s = to_number(vm, "stall-timeout");
  if (!(t.stall_timeout_s >= 0 && t.stall_timeout_s <= 7 * 24 * 3600))
    throw UserError("--stall-timeout " + get(vm, "stall-timeout") +
                    ": expected seconds from 0 (wait forever) to 604800 (a week)");
  const std::string space = get(vm, "space-check");
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
    throw UserError("--io-buffer-mb " + get(vm, "io-buffer-mb") + ": expected at most " +
                    std::to_string(static_cast<int64_t>(memory_mb / 2)) +
                    " (half of this machine's memory)");
  if (!(t.bucket_mb > 0)) throw UserError("--bucket-mb: expected > 0");
  return t;
}

// A value that the plain INI form would not bring back (a path holding a newline or '#') is
// written quoted (launch/ini_text.hpp).
std::string ini_line(const std::string& name, const std::string& value) {
  return name + " = " + ini_value(value) + "\n";
}

std::string resolved_text(const po::variables_map& vm) {
  std::string text = "# latent train: resolved configuration (every option, defaults included)\n";
  for (const OptionSpec& o : kModelOptions) text += ini_line(o.name, get(vm, o.name));
  for (const OptionSpec& o : kTrainOptions) text += ini_line(o.name, get(vm, o.name));
  return text;
}

po::options_description all_options() {
  po::options_description all;
  all.add(describe(std::begin(kModelOptions), std::end(kModelOptions), "model options"));
  all.add(describe(std::begin(kTrainOptions), std::end(kTrainOptions), "training options"));
  all.add(describe(std::begin(kProcessOptions), std::end(kProcessOptions), "process options"));
  return all;
}

// Calls f(spec) for every model and training option.
template <class F>
void for_each_option(F f) {
  for (const OptionSpec& o : kModelOptions) f(o);
  for (const OptionSpec& o : kTrainOptions) f(o);
}

// Every option's value in an INI text (defaults for the ones it lacks, e.g. an older
// checkpoint's config).
po::variables_map variables_from_text(const std::string& text, const std::string& source) {
  po::variables_map vm;
  store_ini_text(text, source, all_options(), vm);
  po::notify(vm);
  return vm;
}

// A value error ("--latent 'x': expected a number") of an option that came from a config file
// names the file and line first.
RunConfig run_config_from(const po::variables_map& vm,
                          const std::map<std::string, std::string>& origins = {}) {
  try {
    RunConfig rc;
    rc.model = model_from(vm);
    rc.train = train_from(vm);
    rc.threads = static_cast<int>(to_int(vm, "threads"));
    rc.resolved_text = resolved_text(vm);
    return rc;
  } catch (const UserError& e) {
    const std::string message = e.what();
    for (const auto& [name, where] : origins) {
      const std::string flag = "--" + name;
      if (vm[name].defaulted() || message.compare(0, flag.size(), flag) != 0) continue;
      const char next = message.size() > flag.size() ? message[flag.size()] : ' ';
      if (next == ' ' || next == ':') throw UserError(where + ": " + message);
    }
    throw;
  }
}

// The value the option means: numbers compare as numbers, Adam's "auto" β1 as what it picks.
std::string effective_value(const std::string& name, const std::string& value,
                            const std::string& model) {
  const std::string v =
      name == "adam-beta1" && value == "auto" ? (model == "gan" ? "0.5" : "0.9") : value;
  try {
    size_t used = 0;
    double d = std::stod(v, &used);
    if (used == v.size()) return std::to_string(d);
  } catch (const std::exception&) {
  }
  return v;
}

}  // namespace

RunConfig parse_train_args(int argc, char** argv) {
  po::options_description general("general");
  general.add_options()("help,h", "show this help")(
      "config", po::value<std::string>(),
      "INI file of options, `name = value` lines, # or ; comments (the command line wins)")(
      "resume", po::value<std::string>(),
      "continue this run from its checkpoint, on the same data (its settings hold)")(
      "init-from", po::value<std::string>(),
      "start a new run from this checkpoint's weights (fine-tuning): the model's options come "
      "from it unless given, any data of the same sample shape");
  po::options_description cmdline = all_options();
  cmdline.add(general);
  RunConfig rc;
  po::variables_map vm;
  std::map<std::string, std::string> origins;
  store_command_line("train", argc, argv, cmdline, vm);
  if (vm.count("config")) {  // earlier values (the command line's) win
    const std::string path = vm["config"].as<std::string>();
    store_ini_text(read_config_file(path), path, all_options(), vm, &origins);
  }
  if (vm.count("resume") && vm.count("init-from"))
    throw UserError(
        "--resume and --init-from: give one (--resume continues a run, --init-from "
        "starts a new one from its weights)");
  if (vm.count("init-from")) {  // the model's options the user left out come from the checkpoint
    const std::string path = vm["init-from"].as<std::string>();
    po::variables_map saved =
        variables_from_text(checkpoint_config_text(path), "checkpoint " + path + " config");
    for (const OptionSpec& o : kModelOptions)
      if (vm[o.name].defaulted() || !vm.count(o.name)) {
        vm.erase(o.name);
        vm.insert({o.name, po::variable_value(saved[o.name].value(), false)});
      }
  }
  po::notify(vm);
  if (vm.count("help")) {
    std::ostringstream help;
    help << "usage: latent train --data F.h5 [options]\n\n" << cmdline;
    rc.help = true;
    rc.help_text = help.str();
    return rc;
  }
  std::map<std::string, std::string> given;
  for_each_option([&](const OptionSpec& o) {
    if (!vm[o.name].defaulted()) given[o.name] = get(vm, o.name);
  });
  const Device device = parse_device(get(vm, "device"));
  if (vm.count("resume")) {  // the rest comes from the checkpoint: resume_run_config
    rc.given = given;
    rc.train.resume = vm["resume"].as<std::string>();
    rc.model.device = device;
    return rc;
  }
  rc = run_config_from(vm, origins);
  rc.given = given;
  rc.model.device = device;
  if (vm.count("init-from")) rc.train.init_from = vm["init-from"].as<std::string>();
  return rc;
}

RunConfig resume_run_config(const RunConfig& given, const std::string& checkpoint_text,
                            int checkpoint_world, int world) {
  const std::string& path = given.train.resume;
  po::variables_map saved = variables_from_text(checkpoint_text, "checkpoint " + path + " config");
  const std::string model = get(saved, "model");
  std::string text;
  for_each_option([&](const OptionSpec& o) {
    if (std::string(o.name) == "batch") return;  // below
    std::string value = get(saved, o.name);
    auto it = given.given.find(o.name);
    if (it != given.given.end()) {
      if (o.on_resume == OnResume::kMayChange)
        value = it->second;
      else if (effective_value(o.name, it->second, model) != effective_value(o.name, value, model))
        throw UserError("--resume " + path + ": --" + o.name + " " + it->second +
                        " differs from the checkpoint's " + value +
                        "; a resumed run keeps the settings it was trained with (leave the " +
                        "option out, or start a new run)");
    }
    text += ini_line(o.name, value);
  });
  // The global batch is the checkpoint's; each rank takes its share.
  const int64_t global = to_int(saved, "batch") * checkpoint_world;
  int64_t batch = global / world;
  auto it = given.given.find("batch");
  if (it != given.given.end())
    batch = to_int(variables_from_text("batch = " + it->second, "--batch"), "batch");
  if (batch * world != global)
    throw UserError("--resume " + path + ": the checkpoint's global batch is " +
                    std::to_string(global) + " (" + std::to_string(checkpoint_world) + " ranks x " +
                    get(saved, "batch") + "), which " + std::to_string(world) + " ranks x " +
                    std::to_string(batch) +
                    " would change; leave --batch out (then each rank takes global / ranks) " +
                    "or run on a rank count that divides it");
  text += "batch = " + std::to_string(batch) + "\n";
  RunConfig rc = run_config_from(variables_from_text(text, "resumed config"));
  rc.given = given.given;
  rc.model.device = given.model.device;  // the process's own choice, not the checkpoint's
  rc.train.resume = path;
  return rc;
}

void resolve_num_classes(RunConfig& rc, int64_t classes) {
  rc.model.num_classes = classes;
  const std::string line = "\nnum-classes = auto\n";
  const size_t at = rc.resolved_text.find(line);
  if (at != std::string::npos)
    rc.resolved_text.replace(at, line.size(), "\nnum-classes = " + std::to_string(classes) + "\n");
}

ModelConfig model_config_from_text(const std::string& text, const std::string& checkpoint) {
  return model_from(variables_from_text(text, "checkpoint " + checkpoint + " config"));
}

}  // namespace latent
