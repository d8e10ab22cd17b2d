// `latent denoise --checkpoint C --data F --noise KIND --noise-level p --out R.h5 [--png G.png]`:
// corrupt each sample (noise keyed by its index and --seed, so reruns and any number of ranks
// agree), then pass it through the model: /noisy, /images (denoised), /error (N) the
// per-sample mean squared error against the clean data, /labels copied. With --noise none the
// data is taken as already noisy and /error is against it. Prints the mean squared errors of
// the noisy and the denoised images.
#include <iostream>
#include <nlohmann/json.hpp>

#include "io/comparison_grid.hpp"
#include "launch/app_support.hpp"
#include "launch/sharded_output.hpp"
#include "launch/subcommands.hpp"
#include "launch/world.hpp"
#include "runtime/error.hpp"
#include "runtime/host_staging.hpp"
#include "runtime/noise.hpp"
#include "runtime/rng.hpp"

namespace po = boost::program_options;

int cmd_denoise(int argc, char** argv) {
  using namespace latent;
  po::options_description options(
      "usage: latent denoise --checkpoint C.h5 --data F.h5 --noise KIND --noise-level p "
      "--out R.h5 [--png G.png]\n\noptions");
  options.add_options()("help,h", "show this help")("checkpoint", po::value<std::string>(),
                                                    "checkpoint (a denoising-ae is made for this)")(
      "data", po::value<std::string>(), "dataset (HDF5): clean data, or noisy with --noise none")(
      "dataset", po::value<std::string>()->default_value("images"), "images dataset name")(
      "labels-dataset", po::value<std::string>()->default_value("labels"),
      "labels dataset name (used where the file has it)")(
      "noise", po::value<std::string>()->default_value("gaussian"),
      "gaussian | masking | salt-pepper | none")(
      "noise-level", po::value<float>()->default_value(0.3f),
      "gaussian: σ; masking, salt-pepper: probability per value")(
      "seed", po::value<uint64_t>()->default_value(1), "seed of the noise")(
      "out", po::value<std::string>(), "output: /noisy, /images, /error (N), /labels")(
      "png", po::value<std::string>(), "also a PNG: clean, noisy and denoised rows")(
      "png-count", po::value<int64_t>()->default_value(16), "samples in the PNG")(
      "batch", po::value<int64_t>()->default_value(256), "samples per forward pass")(
      "threads", po::value<int>()->default_value(0), kThreadsHelp)(
      "device", po::value<std::string>()->default_value("cpu"), kDeviceHelp);
  auto vm = parse_command("denoise", options, argc, argv);
  if (vm.count("help")) {
    std::cout << options << "\nUnder mpirun each rank takes its shard; one file results.\n";
    return 0;
  }
  require_options("denoise", vm, {"checkpoint", "data", "out"});
  NoiseKind noise;
  try {
    noise = parse_noise(vm["noise"].as<std::string>());
  } catch (const std::invalid_argument&) {
    throw UserError("denoise: --noise must be gaussian, masking, salt-pepper or none, got '" +
                    vm["noise"].as<std::string>() + "'");
  }
  float level = vm["noise-level"].as<float>();
  if (!(level >= 0) || (noise != NoiseKind::kGaussian && level > 1))
    throw UserError(
        "denoise: --noise-level must be >= 0 (and <= 1 for masking, salt-pepper), "
        "got " +
        std::to_string(level));
  Communicator& comm = world();
  const Device device = use_device(vm["device"].as<std::string>());
  use_threads(vm["threads"].as<int>(), comm);
  std::string ckpt = vm["checkpoint"].as<std::string>();
  auto model = load_model(ckpt, device);
  DatasetSpec spec = dataset_spec(vm, vm["data"].as<std::string>());
  expect_data_fits("denoise", *model, ckpt, spec);

  auto data = open_shard(spec, vm["batch"].as<int64_t>(), comm);
  std::vector<int64_t> row = row_dims(data->sample_shape());
  ShardedOutput output(vm["out"].as<std::string>(),
                       {{"noisy", row}, {"images", row}, {"error", {}}}, data->has_labels(), comm);
  Progress progress("denoise", data->size(), comm);
  CounterRng rng(checked_seed(vm["seed"].as<uint64_t>()), kStreamNoise);
  Tensor clean, noisy, codes, denoised;  // the data and its corruption are made on the host
  Tensor device_noisy, host_denoised;    // staged copies on a GPU
  std::vector<int> labels;
  std::vector<float> error, noisy_error;
  uint64_t first = 0;
  double sums[3] = {0, 0, 0};  // Σ noisy error, Σ denoised error, samples
  bool png_done = !vm.count("png") || comm.rank() != 0;
  while (data->next_batch(clean, &labels, &first)) {
    if (clean.dim(0) == 0) continue;
    noisy.resize(clean.shape());
    if (noise == NoiseKind::kNone)
      noisy.copy_from(clean);
    else
      corrupt(noise, level, rng, clean, noisy, first);
    model->encode(on_device(noisy, device, device_noisy), codes, nullptr);
    model->decode(codes, denoised);
    const Tensor& out = on_host(denoised, host_denoised);
    per_sample_mse(out, clean, error);
    per_sample_mse(noisy, clean, noisy_error);
    output.append(first, clean.dim(0), {noisy.data(), out.data(), error.data()}, labels.data());
    for (size_t i = 0; i < error.size(); ++i) {
      sums[0] += noisy_error[i];
      sums[1] += error[i];
    }
    sums[2] += static_cast<double>(clean.dim(0));
    if (!png_done) {
      write_comparison_grid(vm["png"].as<std::string>(), {&clean, &noisy, &out},
                            std::min(clean.dim(0), vm["png-count"].as<int64_t>()));
      png_done = true;
    }
    progress.advance(clean.dim(0));
  }
  output.finish();
  comm.allreduce_sum(sums, 3);
  if (comm.rank() == 0)
    std::cout << nlohmann::ordered_json{{"samples", static_cast<int64_t>(sums[2])},
                                        {"mse_noisy", sums[0] / sums[2]},
                                        {"mse_denoised", sums[1] / sums[2]}}
                     .dump()
              << "\n";
  return 0;
}
