#include "launch/app_support.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "io/checkpoint_reader.hpp"
#include "launch/data_shape.hpp"
#include "launch/option_parsing.hpp"
#include "launch/run_config.hpp"
#include "models/model_checkpoint.hpp"
#include "runtime/build_info.hpp"
#include "runtime/error.hpp"
#include "runtime/threads.hpp"

namespace po = boost::program_options;

namespace latent {
namespace {

// "(1, 28, 28)" as written by Shape::str().
Shape parse_shape(const std::string& text, const std::string& where) {
  std::vector<int64_t> dims;
  std::string digits;
  for (char c : text + ",") {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if ((c == ',' || c == ')') && !digits.empty()) {
      dims.push_back(std::stoll(digits));
      digits.clear();
    }
  }
  if (dims.size() == 1) return Shape{dims[0]};
  if (dims.size() == 3) return Shape{dims[0], dims[1], dims[2]};
  throw UserError(where + ": sample_shape '" + text + "' is not (D) or (C, H, W)");
}

}  // namespace

po::variables_map parse_command(const std::string& command, const po::options_description& options,
                                int argc, char** argv) {
  po::variables_map vm;
  store_command_line(command, argc, argv, options, vm);
  try {
    po::notify(vm);
  } catch (const po::error& e) {
    throw UserError(command + ": " + e.what());
  }
  return vm;
}

void require_options(const std::string& command, const po::variables_map& vm,
                     std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (!vm.count(n)) throw UserError(command + ": --" + n + " is required (see --help)");
}

int use_threads(int requested, Communicator& comm, bool announce) {
  const int cpus = cpus_in_affinity_mask();
  const int sharing = comm.local_count_of(affinity_mask_key());
  if (requested < 0 || requested > 4 * cpus)
    throw UserError("--threads " + std::to_string(requested) + ": expected 0 (automatic) to " +
                    std::to_string(4 * cpus) + " (4 per CPU this process may use)");
  const int threads = requested > 0 ? requested : std::max(1, cpus / sharing);
  set_num_threads(threads);
  if (announce && comm.rank() == 0)
    std::printf("threads: %d per rank (%s; %d CPU%s in the affinity mask, %d rank%s on it)\n",
                threads, requested > 0 ? "--threads" : "automatic", cpus, cpus == 1 ? "" : "s",
                sharing, sharing == 1 ? "" : "s");
  if (announce && comm.rank() == 0) std::fflush(stdout);  // before any later error on stderr
  return threads;
}

void expect_usable(Device device) {
  const std::string why = device_unavailable_reason(device);
  if (!why.empty()) throw UserError(std::string("--device ") + device_name(device) + ": " + why);
}

void expect_math_usable(ops::Math math, Device device, bool announce) {
  if (device == Device::kCpu && math == ops::Math::kBf16) {
    const std::string why = onednn_bf16_missing();
    if (!why.empty()) throw UserError("--precision bf16: " + why + "; use --precision fp32");
    if (announce)
      std::printf(
          "precision: bf16 matmuls and convolutions (%s), fp32 accumulation, weights and "
          "updates\n",
          onednn_info().c_str());
  }
  if (!announce) return;
  if (device == Device::kCpu && math == ops::Math::kTf32)
    std::printf("note: --tf32 has no effect on a CPU (oneDNN has no TF32): fp32 arithmetic\n");
  if (device == Device::kCuda && math == ops::Math::kBf16)
    std::printf(
        "precision: bf16 on tensor cores (cuBLAS, cuDNN), fp32 accumulation, weights and "
        "updates; cuDNN's convolutions write bf16 results, widened to fp32\n");
}

std::unique_ptr<Model> load_model(const std::string& checkpoint, Device device) {
  ModelConfig config = model_config_from_text(checkpoint_config_text(checkpoint), checkpoint);
  config.device = device;
  config.sample_shape =
      parse_shape(CheckpointReader(checkpoint).meta_string("sample_shape"), checkpoint + ": /meta");
  auto model = make_model(config, 0);
  load_checkpoint(*model, checkpoint);
  return model;
}

DatasetSpec dataset_spec(const po::variables_map& vm, const std::string& path) {
  DatasetSpec spec;
  spec.path = path;
  spec.images_name = vm["dataset"].as<std::string>();
  spec.labels_name = vm["labels-dataset"].as<std::string>();
  return spec;
}

void expect_data_fits(const std::string& command, const Model& model, const std::string& checkpoint,
                      const DatasetSpec& spec) {
  Shape s = dataset_sample_shape(spec);
  const Shape& want = model.config().sample_shape;
  if (s != want)
    throw UserError(command + ": " + spec.path + " /" + spec.images_name + " holds samples of " +
                    s.str() + " but checkpoint " + checkpoint + " was trained on " + want.str());
}

std::unique_ptr<StreamingDataset> open_shard(const DatasetSpec& spec, int64_t batch,
                                             const Communicator& comm) {
  if (batch < 1) throw UserError("--batch must be at least 1, got " + std::to_string(batch));
  StreamingOptions probe;
  probe.batch_per_rank = 1;
  probe.buffer_mb = 1;
  int64_t samples = StreamingDataset(spec, probe).size();
  if (samples < comm.size())
    throw UserError(spec.path + ": " + std::to_string(samples) + " samples, fewer than the " +
                    std::to_string(comm.size()) + " ranks; run with fewer ranks");
  StreamingOptions o;
  o.rank = comm.rank();
  o.world = comm.size();
  o.batch_per_rank = std::min<int64_t>(batch, samples / comm.size());
  o.shuffle = false;
  o.drop_last = false;
  auto data = std::make_unique<StreamingDataset>(spec, o);
  data->start_epoch(0);
  return data;
}

std::vector<int64_t> row_dims(const Shape& sample_shape) {
  std::vector<int64_t> dims;
  for (int i = 0; i < sample_shape.rank(); ++i) dims.push_back(sample_shape[i]);
  return dims;
}

Progress::Progress(std::string command, int64_t total, const Communicator& comm)
    : command_(std::move(command)),
      total_(total),
      ranks_(comm.size()),
      enabled_(comm.rank() == 0) {}

void Progress::advance(int64_t rows) {
  done_ += rows * ranks_;
  if (!enabled_ || total_ <= 0) return;
  int64_t shown = std::min(done_, total_);
  bool any = false;
  while (next_tenth_ <= 10 && shown * 10 >= total_ * next_tenth_) {
    ++next_tenth_;
    any = true;
  }
  // Long jobs also report after their first second, then every ten seconds.
  auto now = std::chrono::steady_clock::now();
  if (now - last_shown_ >= (shown_once_ ? std::chrono::seconds(10) : std::chrono::seconds(1)))
    any = true;
  if (any) {
    last_shown_ = now;
    shown_once_ = true;
    std::fprintf(stderr, "%s: %d%% (%lld of %lld samples)\n", command_.c_str(),
                 static_cast<int>(100 * shown / total_), static_cast<long long>(shown),
                 static_cast<long long>(total_));
    std::fflush(stderr);
  }
}

}  // namespace latent
