// `latent reconstruct --checkpoint C --data F --out R.h5 [--png G.png]`: data through the
// model (code, or μ for a VAE, then the decoder): /images, /error (N) the per-sample mean
// squared error, /labels copied. Prints {"samples", "mse"} (mean of /error).
#include <iostream>
#include <nlohmann/json.hpp>

#include "io/comparison_grid.hpp"
#include "launch/app_support.hpp"
#include "launch/sharded_output.hpp"
#include "launch/subcommands.hpp"
#include "launch/world.hpp"
#include "runtime/host_staging.hpp"

namespace po = boost::program_options;

int cmd_reconstruct(int argc, char** argv) {
  using namespace latent;
  po::options_description options(
      "usage: latent reconstruct --checkpoint C.h5 --data F.h5 --out R.h5 [--png G.png]"
      "\n\noptions");
  options.add_options()("help,h", "show this help")(
      "checkpoint", po::value<std::string>(),
      "checkpoint of an ae, sparse-ae, denoising-ae or vae")("data", po::value<std::string>(),
                                                             "dataset (HDF5) to reconstruct")(
      "dataset", po::value<std::string>()->default_value("images"), "images dataset name")(
      "labels-dataset", po::value<std::string>()->default_value("labels"),
      "labels dataset name (used where the file has it)")("out", po::value<std::string>(),
                                                          "output: /images, /error (N), /labels")(
      "png", po::value<std::string>(), "also a PNG: originals above their reconstructions")(
      "png-count", po::value<int64_t>()->default_value(32), "samples in the PNG")(
      "batch", po::value<int64_t>()->default_value(256), "samples per forward pass")(
      "threads", po::value<int>()->default_value(0), kThreadsHelp)(
      "device", po::value<std::string>()->default_value("cpu"), kDeviceHelp);
  auto vm = parse_command("reconstruct", options, argc, argv);
  if (vm.count("help")) {
    std::cout << options << "\nUnder mpirun each rank takes its shard; one file results.\n";
    return 0;
  }
  require_options("reconstruct", vm, {"checkpoint", "data", "out"});
  Communicator& comm = world();
  const Device device = use_device(vm["device"].as<std::string>());
  use_threads(vm["threads"].as<int>(), comm);
  std::string ckpt = vm["checkpoint"].as<std::string>();
  auto model = load_model(ckpt, device);
  DatasetSpec spec = dataset_spec(vm, vm["data"].as<std::string>());
  expect_data_fits("reconstruct", *model, ckpt, spec);

  auto data = open_shard(spec, vm["batch"].as<int64_t>(), comm);
  ShardedOutput output(vm["out"].as<std::string>(),
                       {{"images", row_dims(data->sample_shape())}, {"error", {}}},
                       data->has_labels(), comm);
  Progress progress("reconstruct", data->size(), comm);
  Tensor images, codes, recon, device_images, host_recon;  // staged copies on a GPU
  std::vector<int> labels;
  std::vector<float> error;
  uint64_t first = 0;
  double sums[2] = {0, 0};  // Σ error, samples
  bool png_done = !vm.count("png") || comm.rank() != 0;
  while (data->next_batch(images, &labels, &first)) {
    if (images.dim(0) == 0) continue;
    model->encode(on_device(images, device, device_images), codes, nullptr);
    model->decode(codes, recon);
    const Tensor& out = on_host(recon, host_recon);
    per_sample_mse(out, images, error);
    output.append(first, images.dim(0), {out.data(), error.data()}, labels.data());
    for (float e : error) sums[0] += e;
    sums[1] += static_cast<double>(images.dim(0));
    if (!png_done) {  // rank 0's first batch holds the first samples of the file
      write_comparison_grid(vm["png"].as<std::string>(), {&images, &out},
                            std::min(images.dim(0), vm["png-count"].as<int64_t>()));
      png_done = true;
    }
    progress.advance(images.dim(0));
  }
  output.finish();
  comm.allreduce_sum(sums, 2);
  if (comm.rank() == 0)
    std::cout << nlohmann::ordered_json{{"samples", static_cast<int64_t>(sums[1])},
                                        {"mse", sums[0] / sums[1]}}
                     .dump()
              << "\n";
  return 0;
}
