#include "launch/app_driver.hpp"

#include <iostream>

#include "launch/data_shape.hpp"
#include "launch/world.hpp"
#include "models/model_kinds.hpp"
#include "runtime/error.hpp"
#include "runtime/host_staging.hpp"

namespace po = boost::program_options;

namespace latent {
namespace {

// The kinds that offer a capability, from the table.
bool ModelTraits::*trait_of(Capability c) {
  switch (c) {
    case Capability::kEncode:
      return &ModelTraits::can_encode;
    case Capability::kDecode:
      return &ModelTraits::can_decode;
    case Capability::kGenerate:
      return &ModelTraits::can_generate;
    case Capability::kScoreAnomalies:
      return &ModelTraits::has_anomaly_score;
    case Capability::kClassify:
      return &ModelTraits::can_classify;
    case Capability::kBoundLikelihood:
      return &ModelTraits::has_likelihood_bound;
  }
  return nullptr;
}

// The refusal: what the model lacks, and which kinds have it.
std::string refusal(Capability c, const std::string& kind) {
  const std::string kinds = kinds_with(trait_of(c));
  switch (c) {
    case Capability::kEncode:
      return ": model " + kind + " has no encoder: it cannot encode data (" + kinds + " can)";
    case Capability::kDecode:
      return ": model " + kind + " cannot decode codes (" + kinds + " can)";
    case Capability::kGenerate:
      return " holds model '" + kind +
             "', which cannot generate: its code space has no prior to sample (" + kinds +
             " checkpoints can)";
    case Capability::kScoreAnomalies:
      return ": model " + kind +
             " gives no anomaly score: it has no per-sample loss of the data (" + kinds + " have)";
    case Capability::kClassify:
      return " holds model '" + kind + "'; expected a classifier (latent train --model " + kinds +
             ")";
    case Capability::kBoundLikelihood:
      return ": model " + kind + " has no likelihood bound (" + kinds + " has)";
  }
  return "";
}

bool offers(Model& model, Capability c) {
  switch (c) {
    case Capability::kEncode:
      return model.as_encoder() != nullptr;
    case Capability::kDecode:
      return model.as_decoder() != nullptr;
    case Capability::kGenerate:
      return model.as_generator() != nullptr;
    case Capability::kScoreAnomalies:
      return model.as_scorer() != nullptr;
    case Capability::kClassify:
      return model.as_classifier() != nullptr;
    case Capability::kBoundLikelihood:
      return model.as_likelihood_bound() != nullptr;
  }
  return false;
}

}  // namespace

void require_capability(const std::string& command, Model& model, const std::string& checkpoint,
                        Capability capability, const std::string& role) {
  if (offers(model, capability)) return;
  throw UserError(command + ": " + role + " " + checkpoint + refusal(capability, model.kind()));
}

std::vector<int> requested_classes(uint64_t first, int64_t n, int64_t classes, int fixed) {
  std::vector<int> out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    out[i] = fixed >= 0 ? fixed : static_cast<int>((first + static_cast<uint64_t>(i)) % classes);
  return out;
}

int requested_class(const po::variables_map& vm, const std::string& command, Model& model) {
  if (!vm.count("class")) return -1;
  const int k = vm["class"].as<int>();
  ClassConditioned* c = model.as_conditioned();
  if (!c)
    throw UserError(command + ": --class " + std::to_string(k) + ": model " + model.kind() +
                    " is not conditional (" + kinds_with(&ModelTraits::is_conditional) +
                    " are: latent train --conditional)");
  if (k < 0 || k >= c->classes())
    throw UserError(command + ": --class " + std::to_string(k) + ": expected 0 to " +
                    std::to_string(c->classes() - 1) + " (the model's " +
                    std::to_string(c->classes()) + " classes)");
  return k;
}

AppCommand::AppCommand(AppSpec spec) : spec_(std::move(spec)), name_(spec_.name) {}

po::options_description AppCommand::describe() {
  po::options_description d("usage: latent " + name_ + " " + spec_.usage + "\n\noptions");
  const std::string can = spec_.needs.empty() ? "" : kinds_with(trait_of(spec_.needs.front()));
  d.add_options()("help,h", "show this help")(
      "checkpoint", po::value<std::string>(),
      ("checkpoint written by latent train" + (can.empty() ? "" : " (" + can + ")")).c_str());
  if (spec_.input == AppSpec::Input::kImages)
    d.add_options()("data", po::value<std::string>(), "dataset (HDF5) of the samples")(
        "dataset", po::value<std::string>()->default_value("images"), "images dataset name");
  if (spec_.input == AppSpec::Input::kCodes)
    d.add_options()("latent", po::value<std::string>(), "codes (HDF5), as latent encode writes")(
        "dataset", po::value<std::string>()->default_value("latent"), "codes dataset name (N, K)");
  if (spec_.input != AppSpec::Input::kNone && spec_.reads_labels)
    d.add_options()("labels-dataset", po::value<std::string>()->default_value("labels"),
                    "labels dataset name (used where the file has it)");
  if (spec_.writes_output) d.add_options()("out", po::value<std::string>(), "output file (HDF5)");
  if (spec_.chooses_weights)
    d.add_options()("weights", po::value<std::string>()->default_value("auto"),
                    "ema | raw: the generator's moving average (--ema-half-life) or its own "
                    "weights (auto: ema when the checkpoint keeps one)");
  d.add_options()("batch", po::value<int64_t>()->default_value(256), "samples per forward pass")(
      "threads", po::value<int>()->default_value(0), kThreadsHelp)(
      "device", po::value<std::string>()->default_value("cpu"), kDeviceHelp);
  add_options(d);
  return d;
}

void AppCommand::parse(int argc, char** argv) {
  options_.add(describe());
  vm_ = parse_command(name_, options_, argc, argv);
}

void AppCommand::choose_weights() {
  const std::string w = option<std::string>("weights");
  if (w != "auto" && w != "ema" && w != "raw")
    throw UserError(name_ + ": --weights " + w + ": expected ema, raw or auto");
  if (w == "raw") return;
  averaged_ = std::make_unique<AverageWeights>(*model_);
  if (w == "ema" && !averaged_->any())
    throw UserError(name_ + ": --weights ema: checkpoint " + checkpoint_ +
                    " keeps no moving average of its weights (train with --ema-half-life N)");
}

void AppCommand::open_input() {
  const char* flag = spec_.input == AppSpec::Input::kCodes ? "latent" : "data";
  input_.path = option<std::string>(flag);
  input_.images_name = option<std::string>("dataset");
  input_.labels_name = spec_.reads_labels ? option<std::string>("labels-dataset") : "";
  if (spec_.input == AppSpec::Input::kImages) expect_data_fits(name_, *model_, checkpoint_, input_);
}

int AppCommand::run(int argc, char** argv) {
  parse(argc, argv);
  if (vm_.count("help")) {
    std::cout << options_ << "\n" << spec_.about;
    return 0;
  }
  std::vector<const char*> required{"checkpoint"};
  if (spec_.input == AppSpec::Input::kImages) required.push_back("data");
  if (spec_.input == AppSpec::Input::kCodes) required.push_back("latent");
  if (spec_.writes_output) required.push_back("out");
  for (const char* r : required)
    if (!vm_.count(r)) throw UserError(name_ + ": --" + r + " is required (see --help)");
  if (batch_rows() < 1)
    throw UserError(name_ + ": --batch must be at least 1, got " + std::to_string(batch_rows()));
  check_options();
  comm_ = &world();
  device_ = use_device(option<std::string>("device"));
  use_threads(option<int>("threads"), *comm_);
  checkpoint_ = option<std::string>("checkpoint");
  if (spec_.writes_output) out_ = option<std::string>("out");
  model_ = load_model(checkpoint_, device_);
  for (Capability c : spec_.needs) require_capability(name_, *model_, checkpoint_, c);
  if (spec_.chooses_weights) choose_weights();
  if (spec_.input != AppSpec::Input::kNone) open_input();
  execute();
  return 0;
}

void AppCommand::execute() {
  if (spec_.input != AppSpec::Input::kNone) shard_ = open_shard(input_, batch_rows(), comm());
  ClassConditioned* conditioned = model_->as_conditioned();
  if (conditioned && shard_ && !shard_->has_labels())
    throw UserError(name_ + ": " + input_.path + " has no /" + input_.labels_name +
                    " dataset; model " + model_->kind() +
                    " takes each sample's class (--labels-dataset names them)");
  start();
  if (const std::string file = output_file(); !file.empty())
    output_ = std::make_unique<ShardedOutput>(file, output_columns(), output_has_labels(), comm());
  progress_ = std::make_unique<Progress>(
      name_, spec_.shows_progress ? (shard_ ? shard_->size() : rows_to_make_) : 0, comm());
  if (shard_) {
    Tensor host, staged;  // staged: the batch on a GPU
    std::vector<int> labels;
    uint64_t first = 0;
    const bool with_labels = shard_->has_labels();
    while (shard_->next_batch(host, with_labels ? &labels : nullptr, &first)) {
      if (host.dim(0) == 0) continue;
      if (!with_labels) labels.clear();
      if (conditioned) conditioned->set_classes(labels, first);  // the rows' own classes
      batch(AppBatch{host, on_device(host, device_, staged), first, labels});
      progress_->advance(host.dim(0));
    }
  }
  after_input();
  if (output_) written_ = output_->finish();
  if (!sums_.empty()) comm().allreduce_sum(sums_.data(), sums_.size());
  finish();
}

void AppCommand::append(uint64_t first, int64_t rows, const std::vector<const float*>& columns,
                        const int* labels) {
  output_->append(first, rows, columns, labels);
}

std::unique_ptr<Model> AppCommand::load_other(const std::string& path, Capability capability,
                                              const std::string& role) {
  auto other = load_model(path, device_);
  require_capability(name_, *other, path, capability, role);
  return other;
}

}  // namespace latent
