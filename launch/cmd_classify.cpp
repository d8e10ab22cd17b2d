// `latent classify --checkpoint C --data F --out L.h5`: a classifier's verdict on every sample,
// as a dataset: /images copied and /labels the predicted classes (argmax of the logits), so
// unlabelled samples (`latent generate`'s) become training data for another classifier
// (augmentation: scripts/augment.sh). Each rank classifies its shard; one file results.
#include <iostream>

#include "launch/app_support.hpp"
#include "launch/sharded_output.hpp"
#include "launch/subcommands.hpp"
#include "launch/world.hpp"
#include "models/classifier.hpp"
#include "runtime/error.hpp"
#include "runtime/host_staging.hpp"

namespace po = boost::program_options;

int cmd_classify(int argc, char** argv) {
  using namespace latent;
  po::options_description options(
      "usage: latent classify --checkpoint C.h5 --data F.h5 --out L.h5\n\noptions");
  options.add_options()("help,h", "show this help")("checkpoint", po::value<std::string>(),
                                                    "checkpoint of a classifier")(
      "data", po::value<std::string>(), "dataset (HDF5) to classify; its labels are not read")(
      "dataset", po::value<std::string>()->default_value("images"), "images dataset name")(
      "out", po::value<std::string>(), "output: /images (copied), /labels (predicted)")(
      "batch", po::value<int64_t>()->default_value(256), "samples per forward pass")(
      "threads", po::value<int>()->default_value(0), kThreadsHelp)(
      "device", po::value<std::string>()->default_value("cpu"), kDeviceHelp);
  auto vm = parse_command("classify", options, argc, argv);
  if (vm.count("help")) {
    std::cout << options << "\nUnder mpirun each rank classifies its shard; one file results.\n";
    return 0;
  }
  require_options("classify", vm, {"checkpoint", "data", "out"});
  Communicator& comm = world();
  const Device device = use_device(vm["device"].as<std::string>());
  use_threads(vm["threads"].as<int>(), comm);
  const std::string ckpt = vm["checkpoint"].as<std::string>();
  auto model = load_model(ckpt, device);
  auto* classifier = dynamic_cast<Classifier*>(model.get());
  if (!classifier)
    throw UserError("classify: checkpoint " + ckpt + " holds model '" + model->kind() +
                    "'; expected a classifier (latent train --model classifier)");
  // The input's own labels, if any, are not wanted: an empty name leaves them unread.
  DatasetSpec spec{vm["data"].as<std::string>(), vm["dataset"].as<std::string>(), "", {}};
  expect_data_fits("classify", *model, ckpt, spec);
  auto data = open_shard(spec, vm["batch"].as<int64_t>(), comm);
  ShardedOutput output(vm["out"].as<std::string>(),
                       {{"images", row_dims(model->config().sample_shape)}}, true, comm);
  Progress progress("classify", data->size(), comm);
  Tensor images, predicted, device_images, host_predicted;  // staged copies on a GPU
  std::vector<int> labels;
  uint64_t first = 0;
  while (data->next_batch(images, nullptr, &first)) {
    const int64_t rows = images.dim(0);
    if (rows == 0) continue;
    classifier->predict(on_device(images, device, device_images), predicted);
    const Tensor& p = on_host(predicted, host_predicted);
    labels.assign(p.data(), p.data() + rows);
    output.append(first, rows, {images.data()}, labels.data());
    progress.advance(rows);
  }
  const int64_t written = output.finish();
  if (comm.rank() == 0)
    std::cout << "classify: " << written << " samples labelled by " << ckpt << " in "
              << vm["out"].as<std::string>() << "\n";
  return 0;
}
