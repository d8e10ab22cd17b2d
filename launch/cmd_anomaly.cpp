// `latent anomaly --checkpoint C --data F --out S.h5 [--normal-classes 0,1] [--fpr 0.05]`:
// each sample's anomaly score, its loss under the model (reconstruction error for the
// autoencoders, negative ELBO for the VAE): /score (N), /labels copied. With labels and
// --normal-classes, prints how well the score separates the other classes (the anomalies):
// AUROC, average precision, and the threshold whose false-positive rate is within --fpr.
#include <iostream>
#include <nlohmann/json.hpp>

#include "launch/anomaly_report.hpp"
#include "launch/app_driver.hpp"
#include "launch/subcommands.hpp"
#include "runtime/error.hpp"
#include "runtime/host_staging.hpp"
#include "runtime/rng.hpp"

namespace po = boost::program_options;

namespace {

using latent::AppBatch;
using latent::AppCommand;
using latent::Capability;

class Anomaly : public AppCommand {
 public:
  Anomaly()
      : AppCommand({"anomaly",
                    "--checkpoint C.h5 --data F.h5 --out S.h5 [--normal-classes 0,1]",
                    "Writes /score (N) and /labels. Higher score = more anomalous. Prints "
                    "{\"samples\", \"mean_score\"} and, with --normal-classes,\n\"auroc\", "
                    "\"average_precision\", \"threshold\" (flag score > threshold), \"fpr\", "
                    "\"tpr\".\n",
                    {Capability::kScoreAnomalies}}) {}

 private:
  void add_options(po::options_description& o) override {
    o.add_options()("normal-classes", po::value<std::string>(),
                    "labels of normal data (e.g. 1 or 0,1); the rest are anomalies")(
        "fpr", po::value<double>()->default_value(0.05), "false-positive rate for the threshold")(
        "seed", po::value<uint64_t>()->default_value(1), "seed of the evaluation noise (VAE ε)");
  }
  void check_options() override {
    if (options().count("normal-classes"))
      normal_ = latent::parse_normal_classes(option<std::string>("normal-classes"));
    fpr_ = option<double>("fpr");
    if (!(fpr_ >= 0 && fpr_ <= 1))
      throw latent::UserError("anomaly: --fpr must lie in [0, 1], got " + std::to_string(fpr_));
    seed_ = latent::checked_seed(option<uint64_t>("seed"));
  }
  void start() override {
    if (!normal_.empty() && !shard().has_labels())
      throw latent::UserError("anomaly: --normal-classes needs labels, but " + input().path +
                              " has no /" + input().labels_name);
    sums().assign(2, 0.0);  // Σ score, samples
  }
  std::vector<latent::TableColumn> output_columns() override { return {{"score", {}}}; }
  void batch(const AppBatch& b) override {
    model().as_scorer()->score(b.device, latent::BatchInfo{b.first, b.rows(), seed_, 1.0f, 0},
                               scores_);
    const latent::Tensor& s = latent::on_host(scores_, host_scores_);
    append(b.first, b.rows(), {s.data()}, b.labels.data());
    for (int64_t i = 0; i < b.rows(); ++i) sums()[0] += s.data()[i];
    sums()[1] += static_cast<double>(b.rows());
  }
  void finish() override {
    if (!root()) return;
    nlohmann::ordered_json report{{"model", model().kind()},
                                  {"samples", static_cast<int64_t>(sums()[1])},
                                  {"mean_score", sums()[0] / sums()[1]}};
    if (!normal_.empty()) {
      report["normal_classes"] = normal_;
      report.update(latent::separation(out_path(), normal_, fpr_));
    }
    std::cout << report.dump() << "\n";
  }

  std::vector<int> normal_;
  double fpr_ = 0.05;
  uint32_t seed_ = 1;
  latent::Tensor scores_, host_scores_;  // host copy when the model is on a GPU
};

}  // namespace

int cmd_anomaly(int argc, char** argv) {
  return Anomaly().run(argc, argv);
}
