// `latent encode --checkpoint C --data F --out Z.h5`: the code of every sample (features,
// compression): /latent (N, K) (μ for a VAE), /logvar for a VAE, /labels copied.
#include <iostream>

#include "launch/app_support.hpp"
#include "launch/encode_dataset.hpp"
#include "launch/subcommands.hpp"
#include "launch/world.hpp"

namespace po = boost::program_options;

int cmd_encode(int argc, char** argv) {
  using namespace latent;
  po::options_description options(
      "usage: latent encode --checkpoint C.h5 --data F.h5 --out Z.h5\n\noptions");
  options.add_options()("help,h", "show this help")(
      "checkpoint", po::value<std::string>(),
      "checkpoint of an ae, sparse-ae, denoising-ae or vae")("data", po::value<std::string>(),
                                                             "dataset (HDF5) to encode")(
      "dataset", po::value<std::string>()->default_value("images"), "images dataset name")(
      "labels-dataset", po::value<std::string>()->default_value("labels"),
      "labels dataset name (used where the file has it)")(
      "out", po::value<std::string>(), "output: /latent (N, K), /logvar (vae), /labels")(
      "batch", po::value<int64_t>()->default_value(256), "samples per forward pass")(
      "threads", po::value<int>()->default_value(0), kThreadsHelp)(
      "device", po::value<std::string>()->default_value("cpu"), kDeviceHelp);
  auto vm = parse_command("encode", options, argc, argv);
  if (vm.count("help")) {
    std::cout << options << "\nUnder mpirun each rank encodes its shard; one file results.\n";
    return 0;
  }
  require_options("encode", vm, {"checkpoint", "data", "out"});
  const Device device = use_device(vm["device"].as<std::string>());
  use_threads(vm["threads"].as<int>(), world());
  std::string ckpt = vm["checkpoint"].as<std::string>();
  auto model = load_model(ckpt, device);
  DatasetSpec spec = dataset_spec(vm, vm["data"].as<std::string>());
  expect_data_fits("encode", *model, ckpt, spec);
  int64_t n = encode_dataset("encode", *model, spec, vm["out"].as<std::string>(),
                             vm["batch"].as<int64_t>(), world());
  if (world().rank() == 0)
    std::cout << "encode: " << n << " codes of size " << model->config().latent << " in "
              << vm["out"].as<std::string>() << "\n";
  return 0;
}
