// `latent eval --checkpoint C --data F`: one JSON object with the model's losses per sample.
#include <boost/program_options.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "io/streaming_dataset.hpp"
#include "launch/app_support.hpp"
#include "launch/data_shape.hpp"
#include "launch/run_config.hpp"
#include "launch/subcommands.hpp"
#include "launch/world.hpp"
#include "models/metrics_accumulator.hpp"
#include "models/model_checkpoint.hpp"
#include "models/vae.hpp"
#include "runtime/error.hpp"
#include "runtime/host_staging.hpp"
#include "runtime/rng.hpp"
#include "runtime/threads.hpp"

namespace po = boost::program_options;

namespace {

// Draws per sample beyond this are a typo: K = 5000 (the largest in the literature) on 10,000
// digits already decodes 5·10⁷ rows.
constexpr int64_t kMaxImportanceSamples = 100000;

}  // namespace

int cmd_eval(int argc, char** argv) {
  using namespace latent;
  po::options_description options("usage: latent eval --checkpoint C.h5 --data F.h5\n\noptions");
  options.add_options()("help,h", "show this help")("checkpoint", po::value<std::string>(),
                                                    "checkpoint written by latent train")(
      "data", po::value<std::string>(), "dataset (HDF5) to evaluate on")(
      "dataset", po::value<std::string>()->default_value("images"), "images dataset name")(
      "labels-dataset", po::value<std::string>()->default_value("labels"),
      "labels dataset name (used where the file has it)")(
      "batch", po::value<int64_t>()->default_value(256), "samples per forward pass")(
      "seed", po::value<uint64_t>()->default_value(1), "seed of the evaluation noise (VAE ε)")(
      "iw-samples", po::value<int64_t>()->default_value(0),
      "vae: also the importance-weighted bound on log p(x) with K draws per sample (K = 1: the "
      "ELBO; papers report K = 5000 or 1000)")("threads", po::value<int>()->default_value(0),
                                               kThreadsHelp)(
      "device", po::value<std::string>()->default_value("cpu"), kDeviceHelp);
  po::variables_map vm = parse_command("eval", options, argc, argv);
  if (vm.count("help")) {
    std::cout << options
              << "\nPrints {\"loss\", per model \"recon\", \"kl\", \"mse_per_pixel\"; "
                 "gan: \"d_acc\", ...; classifier: \"accuracy\"} averaged per sample; with "
                 "--iw-samples K (vae) also \"elbo\" and \"log_likelihood_iwae\" in nats.\n";
    return 0;
  }
  if (!vm.count("checkpoint") || !vm.count("data"))
    throw UserError("eval: --checkpoint and --data are required");
  const Device device = use_device(vm["device"].as<std::string>());
  use_threads(vm["threads"].as<int>(), world());
  std::string ckpt = vm["checkpoint"].as<std::string>();
  ModelConfig config = model_config_from_text(checkpoint_config_text(ckpt), ckpt);
  DatasetSpec spec = dataset_spec(vm, vm["data"].as<std::string>());
  config.sample_shape = dataset_sample_shape(spec);
  config.device = device;
  const int64_t iw_samples = vm["iw-samples"].as<int64_t>();
  if (iw_samples < 0 || iw_samples > kMaxImportanceSamples)
    throw UserError("eval: --iw-samples " + std::to_string(iw_samples) + ": expected 1 to " +
                    std::to_string(kMaxImportanceSamples) + " draws per sample (0: off)");
  if (iw_samples > 0 && config.kind != "vae")
    throw UserError("eval: --iw-samples needs a vae checkpoint; " + ckpt + " holds model '" +
                    config.kind + "'");
  auto model = make_model(config, 0);
  load_checkpoint(*model, ckpt);

  StreamingOptions so;
  so.batch_per_rank = vm["batch"].as<int64_t>();
  so.shuffle = false;
  so.drop_last = false;
  StreamingDataset data(spec, so);
  data.start_epoch(0);
  if (model->needs_labels() && !data.has_labels())
    throw UserError("eval: " + spec.path + " has no /" + spec.labels_name + " dataset; model " +
                    config.kind + " is evaluated against labels");
  Tensor host_images, staged;  // batches come in host memory; on a GPU they are uploaded
  std::vector<int> labels;
  uint64_t first = 0;
  MetricsAccumulator acc;
  uint32_t seed = checked_seed(vm["seed"].as<uint64_t>());
  int64_t samples = 0;
  while (data.next_batch(host_images, model->needs_labels() ? &labels : nullptr, &first)) {
    const Tensor& images = on_device(host_images, device, staged);
    const BatchInfo info{first, images.dim(0), seed, 1.0f, 0, &labels};
    Metrics m = model->evaluate(images, info, nullptr);
    if (iw_samples > 0) {
      auto& vae = dynamic_cast<Vae&>(*model);
      m.set("elbo", -(m.get("recon") + m.get("kl")));
      m.set("log_likelihood_iwae", vae.importance_weighted_bound(images, info, iw_samples));
    }
    acc.add(m, static_cast<double>(images.dim(0)));
    samples += images.dim(0);
  }
  auto comm = make_single_process_communicator();
  nlohmann::ordered_json out{{"model", config.kind}, {"samples", samples}};
  Metrics means = acc.reduce(*comm);
  for (auto& [k, v] : means.items()) out[k] = v;
  if (iw_samples > 0) out["iw_samples"] = iw_samples;
  std::cout << out.dump() << "\n";
  return 0;
}
