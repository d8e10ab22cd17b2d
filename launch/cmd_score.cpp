// `latent score --checkpoint G --data REAL.h5 --judge CLASSIFIER.h5 [--n 10000] [--png H.png]`:
// how good a generator's samples are, measured by a classifier (the judge):
//  - fid: the Fréchet distance between real and generated samples in the judge's penultimate
//    features (models/frechet_distance.hpp);
//  - judge_accuracy: the judge on the real data (when it has labels), so a poor judge shows;
//  - the class histogram of the generated samples (mode coverage): classes_present, and
//    class_evenness, the histogram's entropy over log(classes) (1: every class equally often).
// One JSON object on stdout. Under mpirun each rank scores its shard of the real data and its
// share of the n samples (sample i keyed by (seed, i), as in `generate`); the sums are reduced.
#include <iostream>
#include <nlohmann/json.hpp>

#include "launch/app_driver.hpp"
#include "launch/class_coverage.hpp"
#include "launch/subcommands.hpp"
#include "models/frechet_distance.hpp"
#include "runtime/error.hpp"
#include "runtime/host_staging.hpp"
#include "runtime/ops.hpp"
#include "runtime/rng.hpp"

namespace po = boost::program_options;

namespace {

using namespace latent;

class Score : public AppCommand {
 public:
  Score()
      : AppCommand({"score",
                    "--checkpoint G.h5 --data REAL.h5 --judge CLASSIFIER.h5 [--n N] [--png H.png]",
                    "Prints {\"fid\", \"judge_accuracy\", \"classes_present\", "
                    "\"class_evenness\", \"class_histogram\", ...}.\n",
                    {Capability::kGenerate},
                    AppSpec::Input::kImages,
                    /*writes_output=*/false,
                    /*reads_labels=*/true,
                    /*shows_progress=*/true,
                    /*chooses_weights=*/true}) {}

 private:
  void add_options(po::options_description& o) override {
    o.add_options()("judge", po::value<std::string>(),
                    "classifier checkpoint (latent train --model classifier)")(
        "n", po::value<int64_t>()->default_value(10000), "generated samples")(
        "png", po::value<std::string>(), "also a bar chart of the generated samples' classes")(
        "seed", po::value<uint64_t>()->default_value(1), "seed of the generated samples' codes");
  }
  void check_options() override {
    if (!options().count("judge")) throw UserError("score: --judge is required (see --help)");
    n_ = option<int64_t>("n");
    if (n_ < 2 || n_ > (int64_t{1} << 31))
      throw UserError("score: --n " + std::to_string(n_) + ": expected 2 to 2^31 samples");
  }
  void start() override {
    const std::string judge_path = option<std::string>("judge");
    judge_model_ = load_other(judge_path, Capability::kClassify, "--judge");
    judge_ = judge_model_->as_classifier();
    if (model().config().sample_shape != judge_model_->config().sample_shape)
      throw UserError("score: the generator " + checkpoint() + " makes samples of " +
                      model().config().sample_shape.str() + " but the judge " + judge_path +
                      " was trained on " + judge_model_->config().sample_shape.str());
    if (ClassConditioned* c = model().as_conditioned(); c && c->classes() != judge_->classes())
      throw UserError("score: the generator " + checkpoint() + " makes " +
                      std::to_string(c->classes()) + " classes but the judge " + judge_path +
                      " tells " + std::to_string(judge_->classes()));
    real_ = std::make_unique<FeatureMoments>(judge_->feature_size());
    fake_ = std::make_unique<FeatureMoments>(judge_->feature_size());
    // The histogram of the generated samples' classes, then real correct and labelled, then
    // the generated samples the judge gives the class they were asked for (conditional models).
    sums().assign(judge_->classes() + 3, 0.0);
    set_rows_to_make(n_);
  }
  // Real data: this rank's shard, with the judge's accuracy where it has labels.
  void batch(const AppBatch& b) override {
    judge_->features(b.device, feats_, &logits_);
    real_->add(feats_);
    if (b.labels.empty()) return;
    predicted_.resize(Shape{b.rows()}, logits_.device());
    truth_.resize(Shape{b.rows()});
    ops::argmax_rows(logits_, predicted_);
    for (int64_t i = 0; i < b.rows(); ++i) truth_.data()[i] = static_cast<float>(b.labels[i]);
    sums()[judge_->classes()] +=
        ops::count_equal(predicted_, on_device(truth_, device(), staged_)).value();
    sums()[judge_->classes() + 1] += static_cast<double>(b.rows());
  }
  // Generated samples: rows [r·n/size, (r+1)·n/size) of the n, sample i keyed by (seed, i).
  void after_input() override {
    const uint32_t seed = checked_seed(option<uint64_t>("seed"));
    const int64_t begin = n_ * comm().rank() / comm().size();
    const int64_t end = n_ * (comm().rank() + 1) / comm().size();
    for (int64_t at = begin; at < end; at += batch_rows()) {
      const int64_t rows = std::min(batch_rows(), end - at);
      ClassConditioned* conditioned = model().as_conditioned();
      std::vector<int> asked;  // a conditional generator makes every class in turn
      if (conditioned) {
        asked = requested_classes(static_cast<uint64_t>(at), rows, conditioned->classes(), -1);
        conditioned->set_classes(asked);
      }
      model().as_generator()->generate(rows, seed, generated_, static_cast<uint64_t>(at));
      judge_->features(generated_, feats_, &logits_);
      fake_->add(feats_);
      predicted_.resize(Shape{rows}, logits_.device());
      ops::argmax_rows(logits_, predicted_);
      const Tensor& p = on_host(predicted_, staged_);
      for (int64_t i = 0; i < rows; ++i) {
        const int64_t c = static_cast<int64_t>(p.data()[i]);
        sums()[c] += 1;
        if (conditioned && c == asked[i]) sums()[judge_->classes() + 2] += 1;
      }
      progress().advance(rows);
    }
    real_->sum_across(comm());
    fake_->sum_across(comm());
  }
  void finish() override {
    if (!root()) return;
    const int64_t classes = judge_->classes();
    const std::vector<double> counts(sums().begin(), sums().begin() + classes);
    nlohmann::ordered_json out{{"model", model().kind()},
                               {"fid", frechet_distance(*real_, *fake_)},
                               {"features", judge_->feature_size()},
                               {"real_samples", static_cast<int64_t>(real_->count())},
                               {"generated_samples", n_}};
    if (sums()[classes + 1] > 0) out["judge_accuracy"] = sums()[classes] / sums()[classes + 1];
    // A conditional generator: how often the judge finds the class it was asked for.
    if (model().as_conditioned())
      out["judge_agrees_with_class"] = sums()[classes + 2] / static_cast<double>(n_);
    out.update(class_coverage(counts, n_));
    if (options().count("png")) draw_class_histogram(option<std::string>("png"), counts);
    std::cout << out.dump() << "\n";
  }

  int64_t n_ = 0;
  std::unique_ptr<Model> judge_model_;
  LabelClassifier* judge_ = nullptr;
  std::unique_ptr<FeatureMoments> real_, fake_;
  Tensor feats_, logits_, predicted_, truth_, staged_, generated_;
};

}  // namespace

int cmd_score(int argc, char** argv) {
  return Score().run(argc, argv);
}
