// `latent eval --checkpoint C --data F`: one JSON object with the model's losses per sample,
// and with --iw-samples K (a model with a likelihood bound) the importance-weighted bound on
// log p(x). Under mpirun each rank evaluates its shard; rank 0 prints.
#include <iostream>
#include <nlohmann/json.hpp>

#include "launch/app_driver.hpp"
#include "launch/subcommands.hpp"
#include "models/metrics_accumulator.hpp"
#include "models/model_kinds.hpp"
#include "runtime/error.hpp"
#include "runtime/rng.hpp"

namespace po = boost::program_options;

namespace latent {
namespace {

// Draws per sample beyond this are a typo: K = 5000 (the largest in the literature) on 10,000
// digits already decodes 5·10⁷ rows.
constexpr int64_t kMaxImportanceSamples = 100000;

class Eval : public AppCommand {
 public:
  Eval()
      : AppCommand({"eval",
                    "--checkpoint C.h5 --data F.h5",
                    "Prints {\"loss\", per model \"recon\", \"kl\", \"mse_per_pixel\"; gan: "
                    "\"d_acc\", ...; classifier: \"accuracy\"} averaged per sample; with "
                    "--iw-samples K also \"elbo\" and \"log_likelihood_iwae\" in nats.\n",
                    {},
                    AppSpec::Input::kImages,
                    /*writes_output=*/false,
                    /*reads_labels=*/true,
                    /*shows_progress=*/false}) {}

 private:
  void add_options(po::options_description& o) override {
    o.add_options()("seed", po::value<uint64_t>()->default_value(1),
                    "seed of the evaluation noise (VAE ε)")(
        "iw-samples", po::value<int64_t>()->default_value(0),
        "also the importance-weighted bound on log p(x) with K draws per sample (K = 1: the "
        "ELBO; papers report K = 5000 or 1000)");
  }
  void check_options() override {
    iw_samples_ = option<int64_t>("iw-samples");
    if (iw_samples_ < 0 || iw_samples_ > kMaxImportanceSamples)
      throw UserError("eval: --iw-samples " + std::to_string(iw_samples_) + ": expected 1 to " +
                      std::to_string(kMaxImportanceSamples) + " draws per sample (0: off)");
    seed_ = checked_seed(option<uint64_t>("seed"));
  }
  void start() override {
    if (iw_samples_ > 0 && !model().as_likelihood_bound())
      throw UserError(
          "eval: --iw-samples needs a vae checkpoint (a kind with a likelihood bound: " +
          kinds_with(&ModelTraits::has_likelihood_bound) + "); " + checkpoint() + " holds model '" +
          model().kind() + "'");
    if (model_kind(model().kind()).traits.needs_labels && !shard().has_labels())
      throw UserError("eval: " + input().path + " has no /" + input().labels_name + " dataset; " +
                      "model " + model().kind() + " is evaluated against labels " +
                      "(--labels-dataset names them)");
  }
  void batch(const AppBatch& b) override {
    const BatchInfo info{b.first, b.rows(), seed_, 1.0f, 0, &b.labels};
    Metrics m = model().evaluate(b.device, info, nullptr);
    if (iw_samples_ > 0) {
      m.set("elbo", -(m.get("recon") + m.get("kl")));
      m.set("log_likelihood_iwae",
            model().as_likelihood_bound()->importance_weighted_bound(b.device, info, iw_samples_));
    }
    acc_.add(m, static_cast<double>(b.rows()));
    samples_ += b.rows();
  }
  void finish() override {
    Metrics means = acc_.reduce(comm());  // collective: every rank
    double samples = static_cast<double>(samples_);
    comm().allreduce_sum(&samples, 1);
    if (!root()) return;
    nlohmann::ordered_json out{{"model", model().kind()},
                               {"samples", static_cast<int64_t>(samples)}};
    for (auto& [k, v] : means.items()) out[k] = v.value();
    if (iw_samples_ > 0) out["iw_samples"] = iw_samples_;
    std::cout << out.dump() << "\n";
  }

  int64_t iw_samples_ = 0, samples_ = 0;
  uint32_t seed_ = 1;
  MetricsAccumulator acc_;
};

}  // namespace
}  // namespace latent

int cmd_eval(int argc, char** argv) {
  return latent::Eval().run(argc, argv);
}
