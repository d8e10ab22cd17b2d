// `latent anomaly --checkpoint C --data F --out S.h5 [--normal-classes 0,1] [--fpr 0.05]`:
// each sample's anomaly score, its loss under the model (reconstruction error for the
// autoencoders, negative ELBO for the VAE): /score (N), /labels copied. With labels and
// --normal-classes, prints how well the score separates the other classes (the anomalies):
// AUROC, average precision, and the threshold whose false-positive rate is within --fpr.
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "io/checkpoint_reader.hpp"
#include "launch/app_support.hpp"
#include "launch/sharded_output.hpp"
#include "launch/subcommands.hpp"
#include "launch/world.hpp"
#include "models/anomaly_metrics.hpp"
#include "runtime/error.hpp"
#include "runtime/host_staging.hpp"
#include "runtime/rng.hpp"

namespace po = boost::program_options;

namespace {

std::vector<int> parse_classes(const std::string& text) {
  std::vector<int> classes;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    try {
      size_t used = 0;
      classes.push_back(std::stoi(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw latent::UserError("anomaly: --normal-classes must be integers like 0,1; got '" + text +
                              "'");
    }
  }
  if (classes.empty()) throw latent::UserError("anomaly: --normal-classes is empty");
  return classes;
}

// The separation figures, from the finished output file (rank 0).
nlohmann::ordered_json separation(const std::string& out, const std::vector<int>& normal,
                                  double fpr) {
  latent::CheckpointReader file(out);
  latent::Tensor scores = file.read_tensor("/score");
  std::vector<int64_t> labels = file.read_ints("/labels");
  std::set<int> normal_set(normal.begin(), normal.end());
  std::vector<double> s(scores.data(), scores.data() + scores.numel());
  std::vector<bool> anomalous(labels.size());
  int64_t anomalies = 0;
  for (size_t i = 0; i < labels.size(); ++i)
    anomalies += anomalous[i] = !normal_set.count(static_cast<int>(labels[i]));
  latent::Threshold t = latent::threshold_at_fpr(s, anomalous, fpr);
  return {{"normal", static_cast<int64_t>(labels.size()) - anomalies},
          {"anomalies", anomalies},
          {"auroc", latent::auroc(s, anomalous)},
          {"average_precision", latent::average_precision(s, anomalous)},
          {"fpr_target", fpr},
          {"threshold", t.value},
          {"fpr", t.fpr},
          {"tpr", t.tpr}};
}

}  // namespace

int cmd_anomaly(int argc, char** argv) {
  using namespace latent;
  po::options_description options(
      "usage: latent anomaly --checkpoint C.h5 --data F.h5 --out S.h5 [--normal-classes 0,1]"
      "\n\noptions");
  options.add_options()("help,h", "show this help")("checkpoint", po::value<std::string>(),
                                                    "checkpoint of an autoencoder or vae")(
      "data", po::value<std::string>(), "dataset (HDF5) to score")(
      "dataset", po::value<std::string>()->default_value("images"), "images dataset name")(
      "labels-dataset", po::value<std::string>()->default_value("labels"),
      "labels dataset name (used where the file has it)")("out", po::value<std::string>(),
                                                          "output: /score (N), /labels")(
      "normal-classes", po::value<std::string>(),
      "labels of normal data (e.g. 1 or 0,1); the rest are anomalies")(
      "fpr", po::value<double>()->default_value(0.05), "false-positive rate for the threshold")(
      "seed", po::value<uint64_t>()->default_value(1), "seed of the evaluation noise (VAE ε)")(
      "batch", po::value<int64_t>()->default_value(256), "samples per forward pass")(
      "threads", po::value<int>()->default_value(0), kThreadsHelp)(
      "device", po::value<std::string>()->default_value("cpu"), kDeviceHelp);
  auto vm = parse_command("anomaly", options, argc, argv);
  if (vm.count("help")) {
    std::cout << options
              << "\nHigher score = more anomalous. Prints {\"samples\", \"mean_score\"} and, with "
                 "--normal-classes,\n\"auroc\", \"average_precision\", \"threshold\" (flag score > "
                 "threshold), \"fpr\", \"tpr\".\n";
    return 0;
  }
  require_options("anomaly", vm, {"checkpoint", "data", "out"});
  std::vector<int> normal;
  if (vm.count("normal-classes")) normal = parse_classes(vm["normal-classes"].as<std::string>());
  double fpr = vm["fpr"].as<double>();
  if (!(fpr >= 0 && fpr <= 1))
    throw UserError("anomaly: --fpr must lie in [0, 1], got " + std::to_string(fpr));
  Communicator& comm = world();
  const Device device = use_device(vm["device"].as<std::string>());
  use_threads(vm["threads"].as<int>(), comm);
  std::string ckpt = vm["checkpoint"].as<std::string>();
  auto model = load_model(ckpt, device);
  DatasetSpec spec = dataset_spec(vm, vm["data"].as<std::string>());
  expect_data_fits("anomaly", *model, ckpt, spec);

  auto data = open_shard(spec, vm["batch"].as<int64_t>(), comm);
  if (!normal.empty() && !data->has_labels())
    throw UserError("anomaly: --normal-classes needs labels, but " + spec.path + " has no /" +
                    spec.labels_name);
  std::string out = vm["out"].as<std::string>();
  ShardedOutput output(out, {{"score", {}}}, data->has_labels(), comm);
  Progress progress("anomaly", data->size(), comm);
  const uint32_t seed = checked_seed(vm["seed"].as<uint64_t>());
  Tensor images, scores, device_images, host_scores;  // staged copies on a GPU
  std::vector<int> labels;
  uint64_t first = 0;
  double sums[2] = {0, 0};  // Σ score, samples
  while (data->next_batch(images, &labels, &first)) {
    const int64_t n = images.dim(0);
    if (n == 0) continue;
    model->score(on_device(images, device, device_images), BatchInfo{first, n, seed, 1.0f, 0},
                 scores);
    const Tensor& s = on_host(scores, host_scores);
    output.append(first, n, {s.data()}, labels.data());
    for (int64_t i = 0; i < n; ++i) sums[0] += s.data()[i];
    sums[1] += static_cast<double>(n);
    progress.advance(n);
  }
  output.finish();
  comm.allreduce_sum(sums, 2);
  if (comm.rank() != 0) return 0;
  nlohmann::ordered_json report{{"model", model->kind()},
                                {"samples", static_cast<int64_t>(sums[1])},
                                {"mean_score", sums[0] / sums[1]}};
  if (!normal.empty()) {
    report["normal_classes"] = normal;
    report.update(separation(out, normal, fpr));
  }
  std::cout << report.dump() << "\n";
  return 0;
}
