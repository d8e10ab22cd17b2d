#pragma once
// What the application commands (encode, decode, reconstruct, denoise, anomaly, generate,
// interpolate, plot-latent, plot) share: option parsing, the model of a checkpoint, and this
// rank's shard of a dataset in file order.
#include <boost/program_options.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "io/dataset_spec.hpp"
#include "io/streaming_dataset.hpp"
#include "models/model.hpp"
#include "runtime/communicator.hpp"
#include "runtime/device.hpp"

namespace latent {

// Parses argv (argv[0] is the command); a bad option is a UserError naming the command.
boost::program_options::variables_map parse_command(
    const std::string& command, const boost::program_options::options_description& options,
    int argc, char** argv);
// UserError "<command>: --<name> is required" unless every name was given.
void require_options(const std::string& command, const boost::program_options::variables_map& vm,
                     std::initializer_list<const char*> names);

// Compute threads per rank: `requested`, or (0) the CPUs of this process's affinity mask divided
// among the ranks on the node bound to the same mask, so ranks and threads never fight. With
// `announce`, rank 0 prints what it chose. Collective: every rank calls it. UserError for a
// negative count or more than 4 threads per CPU of the mask.
int use_threads(int requested, Communicator& comm, bool announce = false);
// The --threads help text of every command.
inline constexpr const char* kThreadsHelp =
    "compute threads per process (0: the CPUs it may run on, shared with the ranks of its node "
    "bound to the same CPUs)";

// The --device help text of every command that builds a model.
inline constexpr const char* kDeviceHelp =
    "where the model runs: cpu | cuda (one GPU per rank, chosen by its rank on the node)";
// UserError "--device cuda: <why>" unless this process can use `device` (a GPU visible, a build
// with the CUDA backend). Commands call it at startup, before they touch any file.
void expect_usable(Device device);
// UserError naming the missing instruction set when --precision bf16 has no native bf16 kernels
// on `device` (a CPU without avx512_bf16 or AMX); with `announce`, a line saying what bf16 runs
// on, and a note where an option does nothing (--tf32 on a CPU).
void expect_math_usable(ops::Math math, Device device, bool announce);
inline Device use_device(const std::string& name) {
  const Device d = parse_device(name);
  expect_usable(d);
  return d;
}

// The model stored in a checkpoint, built for the data shape it was trained on on `device`,
// parameters loaded (inference: no optimizer step is ever taken). Checkpoints hold host
// values, so any device loads any checkpoint.
std::unique_ptr<Model> load_model(const std::string& checkpoint, Device device = Device::kCpu);

// The images (--dataset) and labels (--labels-dataset) of the file at `path`.
DatasetSpec dataset_spec(const boost::program_options::variables_map& vm, const std::string& path);

// UserError unless samples of `spec` have the shape `model` was trained on.
void expect_data_fits(const std::string& command, const Model& model, const std::string& checkpoint,
                      const DatasetSpec& spec);

// This rank's shard of `spec` for inference: file order (no shuffle), every sample once
// (drop_last off), batches of at most `batch` rows (fewer for tiny files, so every rank
// gets some). Started at epoch 0, so global indices are positions in the file (after class
// filtering).
std::unique_ptr<StreamingDataset> open_shard(const DatasetSpec& spec, int64_t batch,
                                             const Communicator& comm);

// A sample shape as a table row's dims.
std::vector<int64_t> row_dims(const Shape& sample_shape);

// Prints "<command>: 30% (3000 of 10000 samples)" on stderr at every tenth of `total` (and after
// the first second, then every ten seconds, for long jobs), from rank 0 only (which counts its own
// rows times the number of ranks: shards are even).
class Progress {
 public:
  Progress(std::string command, int64_t total, const Communicator& comm);
  void advance(int64_t rows);

 private:
  std::string command_;
  int64_t total_, done_ = 0, ranks_;
  int next_tenth_ = 1;
  bool enabled_;
  bool shown_once_ = false;
  std::chrono::steady_clock::time_point last_shown_ = std::chrono::steady_clock::now();
};

}  // namespace latent
