#pragma once
// The driver of the application commands (eval, encode, decode, reconstruct, denoise, anomaly,
// classify, generate, score, interpolate, plot-latent). What they share is written here once; a
// command is its options and what it does with a batch:
//  - options: --checkpoint, the input (--data or --latent, --dataset, --labels-dataset), --out,
//    --batch, --threads, --device, --help; the command adds its own;
//  - the checkpoint's model on the device, refused by name when it lacks a capability the
//    command needs (models/capabilities.hpp), and the input refused when its samples are not
//    the shape the model was trained on;
//  - this rank's shard of the input in file order, batch by batch, on the model's device;
//  - progress on stderr, one output file merged from the ranks' parts in input order, and sums
//    over the ranks of what the command counts. Rank 0 prints the result.
#include <boost/program_options.hpp>
#include <memory>
#include <string>
#include <vector>

#include "io/dataset_spec.hpp"
#include "io/streaming_dataset.hpp"
#include "io/table_writer.hpp"
#include "launch/app_support.hpp"
#include "launch/sharded_output.hpp"
#include "models/average_weights.hpp"
#include "models/model.hpp"

namespace latent {

// What a command needs of the checkpoint's model.
enum class Capability { kEncode, kDecode, kGenerate, kScoreAnomalies, kClassify, kBoundLikelihood };

// UserError unless `model` (from `checkpoint`) has the capability: "encode: checkpoint C: model
// gan has no encoder: it cannot encode data (ae, sparse-ae, denoising-ae and vae can)". `role`
// names the option that gave the checkpoint ("checkpoint", "--judge").
void require_capability(const std::string& command, Model& model, const std::string& checkpoint,
                        Capability capability, const std::string& role = "checkpoint");

// The classes a conditional model generates rows [first, first + n) of: `fixed` for all when it
// is >= 0, otherwise balanced, row i of class i mod `classes` (keyed by the row, so the same for
// any batch or rank count).
std::vector<int> requested_classes(uint64_t first, int64_t n, int64_t classes, int fixed);
// --class K of a generating command: UserError unless the model is conditional and K one of its
// classes; -1 when not given.
int requested_class(const boost::program_options::variables_map& vm, const std::string& command,
                    Model& model);

struct AppSpec {
  const char* name;   // "reconstruct"
  const char* usage;  // the arguments after `latent NAME`
  const char* about;  // printed after the options by --help
  std::vector<Capability> needs;
  // The input: images (--data F.h5, --dataset images), codes (--latent Z.h5, --dataset latent)
  // or none (generate makes its rows).
  enum class Input { kImages, kCodes, kNone };
  Input input = Input::kImages;
  bool writes_output = true;   // --out, required
  bool reads_labels = true;    // the input's labels (copied to the output, given to the batch)
  bool shows_progress = true;  // "NAME: 30% (...)" lines on stderr (eval prints one JSON only)
  // --weights ema|raw: a generating command uses the moving average of the generator's weights
  // (--ema-half-life) by default when the checkpoint keeps one.
  bool chooses_weights = false;
};

// One batch of this rank's shard.
struct AppBatch {
  const Tensor& host;              // the rows as read, in host memory
  const Tensor& device;            // the same on the model's device
  uint64_t first;                  // row 0's index in the input (global, in file order)
  const std::vector<int>& labels;  // one per row; empty when the input has none
  int64_t rows() const { return host.dim(0); }
};

class AppCommand {
 public:
  explicit AppCommand(AppSpec spec);
  virtual ~AppCommand() = default;
  // argv[0] is the command's name. Returns the exit status.
  int run(int argc, char** argv);

 protected:
  // The command's own part; each has a default that does nothing.
  virtual void add_options(boost::program_options::options_description&) {}
  virtual void check_options() {}  // after parsing, before any file is read
  virtual void start() {}          // the model loaded and the input open
  // The output file: --out by default (none: no output).
  virtual std::string output_file() { return out_; }
  // The output's columns, and whether it has /labels (by default: when the input has them).
  virtual std::vector<TableColumn> output_columns() { return {}; }
  virtual bool output_has_labels() { return shard_ && shard_->has_labels(); }
  virtual void batch(const AppBatch&) {}
  virtual void after_input() {}  // every rank, once its shard is done
  virtual void finish() {}       // every rank: the output complete, sums() summed over ranks
  // The work: by default this rank's shard of the input, batch by batch (then the output is
  // merged and the sums reduced). Commands that work on rank 0 alone override it.
  virtual void execute();

  // What the hooks use.
  const boost::program_options::variables_map& options() const { return vm_; }
  template <class T>
  T option(const char* name) const {
    return vm_[name].as<T>();
  }
  const std::string& name() const { return name_; }
  Model& model() { return *model_; }
  const std::string& checkpoint() const { return checkpoint_; }
  Device device() const { return device_; }
  Communicator& comm() { return *comm_; }
  bool root() const { return comm_->rank() == 0; }
  int64_t batch_rows() const { return option<int64_t>("batch"); }
  const DatasetSpec& input() const { return input_; }
  StreamingDataset& shard() { return *shard_; }
  // This rank's rows of the output, `columns` in output_columns()' order.
  void append(uint64_t first, int64_t rows, const std::vector<const float*>& columns,
              const int* labels);
  int64_t written() const { return written_; }  // rows of the output (rank 0)
  const std::string& out_path() const { return out_; }
  // Summed over the ranks before finish(); the command sizes and fills it.
  std::vector<double>& sums() { return sums_; }
  Progress& progress() { return *progress_; }
  // Another checkpoint's model (score's judge), with the capability checked.
  std::unique_ptr<Model> load_other(const std::string& path, Capability capability,
                                    const std::string& role);
  // Makes `rows` rows (generate): the progress total when the input is kNone.
  void set_rows_to_make(int64_t rows) { rows_to_make_ = rows; }

 private:
  boost::program_options::options_description describe();
  void parse(int argc, char** argv);
  void open_input();
  void choose_weights();

  AppSpec spec_;
  std::string name_;
  boost::program_options::options_description options_;
  boost::program_options::variables_map vm_;
  Communicator* comm_ = nullptr;
  Device device_ = Device::kCpu;
  std::string checkpoint_, out_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<AverageWeights> averaged_;  // while it lives the model generates with its EMA
  DatasetSpec input_;
  std::unique_ptr<StreamingDataset> shard_;
  std::unique_ptr<ShardedOutput> output_;
  std::unique_ptr<Progress> progress_;
  std::vector<double> sums_;
  int64_t written_ = 0, rows_to_make_ = 0;
};

}  // namespace latent
