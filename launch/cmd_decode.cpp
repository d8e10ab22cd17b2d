// `latent decode --checkpoint C --latent Z.h5 --out R.h5`: the receiving side of compression,
// codes (as `latent encode` wrote them) back to images: /images, /labels copied.
#include <iostream>

#include "launch/app_support.hpp"
#include "launch/data_shape.hpp"
#include "launch/sharded_output.hpp"
#include "launch/subcommands.hpp"
#include "launch/world.hpp"
#include "runtime/error.hpp"
#include "runtime/host_staging.hpp"

namespace po = boost::program_options;

int cmd_decode(int argc, char** argv) {
  using namespace latent;
  po::options_description options(
      "usage: latent decode --checkpoint C.h5 --latent Z.h5 --out R.h5\n\noptions");
  options.add_options()("help,h", "show this help")("checkpoint", po::value<std::string>(),
                                                    "checkpoint of an autoencoder, vae or gan")(
      "latent", po::value<std::string>(), "codes (HDF5), as written by latent encode")(
      "dataset", po::value<std::string>()->default_value("latent"), "codes dataset name (N, K)")(
      "labels-dataset", po::value<std::string>()->default_value("labels"),
      "labels dataset name (copied when Z has it)")("out", po::value<std::string>(),
                                                    "output: /images, /labels when Z has them")(
      "batch", po::value<int64_t>()->default_value(256), "codes per forward pass")(
      "threads", po::value<int>()->default_value(0), kThreadsHelp)(
      "device", po::value<std::string>()->default_value("cpu"), kDeviceHelp);
  auto vm = parse_command("decode", options, argc, argv);
  if (vm.count("help")) {
    std::cout << options << "\nUnder mpirun each rank decodes its shard; one file results.\n";
    return 0;
  }
  require_options("decode", vm, {"checkpoint", "latent", "out"});
  Communicator& comm = world();
  const Device device = use_device(vm["device"].as<std::string>());
  use_threads(vm["threads"].as<int>(), comm);
  std::string ckpt = vm["checkpoint"].as<std::string>();
  auto model = load_model(ckpt, device);
  DatasetSpec spec = dataset_spec(vm, vm["latent"].as<std::string>());
  Shape code = dataset_sample_shape(spec);
  const int64_t k = model->config().latent;
  if (code.rank() != 1 || code[0] != k)
    throw UserError("decode: " + spec.path + " /" + spec.images_name + " holds codes of " +
                    code.str() + " but checkpoint " + ckpt + " (" + model->kind() +
                    ") decodes codes of (" + std::to_string(k) + ")");

  auto data = open_shard(spec, vm["batch"].as<int64_t>(), comm);
  const Shape& s = model->config().sample_shape;
  ShardedOutput output(vm["out"].as<std::string>(), {{"images", row_dims(s)}}, data->has_labels(),
                       comm);
  Progress progress("decode", data->size(), comm);
  Tensor codes, images, device_codes, host_images;  // staged copies on a GPU
  std::vector<int> labels;
  uint64_t first = 0;
  while (data->next_batch(codes, &labels, &first)) {
    if (codes.dim(0) == 0) continue;
    model->decode(on_device(codes, device, device_codes), images);
    output.append(first, codes.dim(0), {on_host(images, host_images).data()}, labels.data());
    progress.advance(codes.dim(0));
  }
  int64_t n = output.finish();
  if (comm.rank() == 0)
    std::cout << "decode: " << n << " images of " << s.str() << " in "
              << vm["out"].as<std::string>() << "\n";
  return 0;
}
