// `latent score --checkpoint G --data REAL.h5 --judge CLASSIFIER.h5 [--n 10000] [--png H.png]`:
// how good a generator's samples are, measured by a classifier (the judge):
//  - fid: the Fréchet distance between real and generated samples in the judge's penultimate
//    features (models/frechet_distance.hpp);
//  - judge_accuracy: the judge on the real data (when it has labels), so a poor judge shows;
//  - the class histogram of the generated samples (mode coverage): classes_present, and
//    class_evenness, the histogram's entropy over log(classes) (1: every class equally often).
// One JSON object on stdout. Under mpirun each rank scores its shard of the real data and its
// share of the n samples (sample i keyed by (seed, i), as in `generate`); the sums are reduced.
#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "launch/app_support.hpp"
#include "launch/gnuplot.hpp"
#include "launch/subcommands.hpp"
#include "launch/world.hpp"
#include "models/classifier.hpp"
#include "models/frechet_distance.hpp"
#include "runtime/error.hpp"
#include "runtime/host_staging.hpp"
#include "runtime/ops.hpp"
#include "runtime/rng.hpp"

namespace po = boost::program_options;

namespace {

using latent::UserError;

// Bars of the generated samples' classes.
void draw_histogram(const std::string& png, const std::vector<double>& counts) {
  latent::ScratchDir scratch;
  const std::string data = scratch.path() + "/classes.dat";
  std::ofstream out(data);
  for (size_t c = 0; c < counts.size(); ++c) out << c << " " << counts[c] << "\n";
  out.close();
  const std::string script =
      "set terminal pngcairo size 640,400 font ',10'\nset output outfile\n"
      "set title 'classes of the generated samples (judge)'\nset xlabel 'class'\n"
      "set ylabel 'samples'\nset boxwidth 0.8\nset style fill solid 0.7\nset grid y\n"
      "set yrange [0:*]\nset xtics 1\nplot " +
      latent::gnuplot_quote(data) + " using 1:2 with boxes notitle\n";
  latent::run_gnuplot("score", png, script);
}

}  // namespace

int cmd_score(int argc, char** argv) {
  using namespace latent;
  po::options_description options(
      "usage: latent score --checkpoint G.h5 --data REAL.h5 --judge CLASSIFIER.h5 [--n N] "
      "[--png H.png]\n\noptions");
  options.add_options()("help,h", "show this help")("checkpoint", po::value<std::string>(),
                                                    "generator: a vae or gan checkpoint")(
      "data", po::value<std::string>(), "real samples (HDF5), all of them are used")(
      "dataset", po::value<std::string>()->default_value("images"), "images dataset name")(
      "labels-dataset", po::value<std::string>()->default_value("labels"),
      "labels dataset name (used where the file has it)")(
      "judge", po::value<std::string>(), "classifier checkpoint (latent train --model classifier)")(
      "n", po::value<int64_t>()->default_value(10000), "generated samples")(
      "png", po::value<std::string>(), "also a bar chart of the generated samples' classes")(
      "seed", po::value<uint64_t>()->default_value(1), "seed of the generated samples' codes")(
      "batch", po::value<int64_t>()->default_value(256), "samples per forward pass")(
      "threads", po::value<int>()->default_value(0), kThreadsHelp)(
      "device", po::value<std::string>()->default_value("cpu"), kDeviceHelp);
  auto vm = parse_command("score", options, argc, argv);
  if (vm.count("help")) {
    std::cout << options
              << "\nPrints {\"fid\", \"judge_accuracy\", \"classes_present\", \"class_evenness\", "
                 "\"class_histogram\", ...}.\n";
    return 0;
  }
  require_options("score", vm, {"checkpoint", "data", "judge"});
  const int64_t n = vm["n"].as<int64_t>(), batch = vm["batch"].as<int64_t>();
  if (n < 2 || n > (int64_t{1} << 31))
    throw UserError("score: --n " + std::to_string(n) + ": expected 2 to 2^31 samples");
  if (batch < 1) throw UserError("score: --batch must be at least 1");
  Communicator& comm = world();
  const Device device = use_device(vm["device"].as<std::string>());
  use_threads(vm["threads"].as<int>(), comm);

  const std::string gen_path = vm["checkpoint"].as<std::string>();
  const std::string judge_path = vm["judge"].as<std::string>();
  auto generator = load_model(gen_path, device);
  if (!generator->samples_from_prior())
    throw UserError("score: checkpoint " + gen_path + " holds model '" + generator->kind() +
                    "', which cannot generate (vae and gan checkpoints can)");
  auto judge_model = load_model(judge_path, device);
  auto* judge = dynamic_cast<Classifier*>(judge_model.get());
  if (!judge)
    throw UserError("score: --judge " + judge_path + " holds model '" + judge_model->kind() +
                    "'; expected a classifier (latent train --model classifier)");
  if (generator->config().sample_shape != judge->config().sample_shape)
    throw UserError("score: the generator " + gen_path + " makes samples of " +
                    generator->config().sample_shape.str() + " but the judge " + judge_path +
                    " was trained on " + judge->config().sample_shape.str());
  DatasetSpec spec = dataset_spec(vm, vm["data"].as<std::string>());
  expect_data_fits("score", *judge, judge_path, spec);

  const int64_t features = judge->config().latent, classes = judge->classes();
  FeatureMoments real(features), fake(features);
  Tensor images, feats, logits, predicted, truth;
  // Staged copies when the models run on a GPU: batches and labels go up, predictions come back.
  Tensor device_images, device_truth, host_predicted, generated;
  std::vector<double> counts(classes + 2, 0.0);  // the histogram, then real correct and labelled
  double& correct = counts[classes];
  double& labelled = counts[classes + 1];

  // Real data: this rank's shard.
  auto data = open_shard(spec, batch, comm);
  const bool has_labels = data->has_labels();
  Progress progress("score", data->size() + n, comm);
  std::vector<int> labels;
  uint64_t first = 0;
  while (data->next_batch(images, has_labels ? &labels : nullptr, &first)) {
    judge->features(on_device(images, device, device_images), feats, &logits);
    real.add(feats);
    if (has_labels) {
      predicted.resize(Shape{images.dim(0)}, logits.device());
      truth.resize(Shape{images.dim(0)});
      ops::argmax_rows(logits, predicted);
      for (int64_t i = 0; i < images.dim(0); ++i) truth.data()[i] = static_cast<float>(labels[i]);
      correct +=
          static_cast<double>(ops::count_equal(predicted, on_device(truth, device, device_truth)));
      labelled += static_cast<double>(images.dim(0));
    }
    progress.advance(images.dim(0));
  }

  // Generated samples: rows [r·n/size, (r+1)·n/size) of the n.
  const uint32_t seed = checked_seed(vm["seed"].as<uint64_t>());
  const int64_t begin = n * comm.rank() / comm.size(), end = n * (comm.rank() + 1) / comm.size();
  for (int64_t at = begin; at < end; at += batch) {
    const int64_t rows = std::min(batch, end - at);
    generator->generate(rows, seed, generated, static_cast<uint64_t>(at));
    judge->features(generated, feats, &logits);
    fake.add(feats);
    predicted.resize(Shape{rows}, logits.device());
    ops::argmax_rows(logits, predicted);
    const Tensor& p = on_host(predicted, host_predicted);
    for (int64_t i = 0; i < rows; ++i) counts[static_cast<int64_t>(p.data()[i])] += 1;
    progress.advance(rows);
  }
  real.sum_across(comm);
  fake.sum_across(comm);
  if (comm.size() > 1) comm.allreduce_sum(counts.data(), counts.size());
  if (comm.rank() != 0) return 0;

  const double fid = frechet_distance(real, fake);
  int64_t present = 0;
  double entropy = 0;
  nlohmann::ordered_json histogram = nlohmann::ordered_json::array();
  for (int64_t c = 0; c < classes; ++c) {
    histogram.push_back(static_cast<int64_t>(counts[c]));
    if (counts[c] == 0) continue;
    ++present;
    const double p = counts[c] / static_cast<double>(n);
    entropy -= p * std::log(p);
  }
  nlohmann::ordered_json out{{"model", generator->kind()},
                             {"fid", fid},
                             {"features", features},
                             {"real_samples", static_cast<int64_t>(real.count())},
                             {"generated_samples", n}};
  if (labelled > 0) out["judge_accuracy"] = correct / labelled;
  out["classes"] = classes;
  out["classes_present"] = present;
  out["class_evenness"] = entropy / std::log(static_cast<double>(classes));
  out["class_histogram"] = histogram;
  if (vm.count("png")) {
    counts.resize(classes);
    draw_histogram(vm["png"].as<std::string>(), counts);
  }
  std::cout << out.dump() << "\n";
  return 0;
}
