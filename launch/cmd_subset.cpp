// `latent subset --data F.h5 [--data G.h5 ...] --out S.h5 [--val-fraction f --part train|val
// --seed S]`: rows of one or more dataset files, in order, into one file (/images and, when
// every input has them, /labels). With --val-fraction it keeps the rows `latent train
// --val-fraction f --seed S` trains on (--part train) or holds out (--part val), so a small
// training set and its held-out rest are files the other commands read; several --data
// concatenate (real data plus labelled generated samples, for augmentation).
// Small work: rank 0 does it alone.
#include <iostream>

#include "io/table_writer.hpp"
#include "launch/app_support.hpp"
#include "launch/subcommands.hpp"
#include "launch/world.hpp"
#include "runtime/error.hpp"

namespace po = boost::program_options;

namespace {

latent::DatasetSpec spec_of(const std::string& path, const po::variables_map& vm) {
  using latent::DatasetSpec;
  DatasetSpec spec = latent::dataset_spec(vm, path);
  const double f = vm["val-fraction"].as<double>();
  const std::string part = vm["part"].as<std::string>();
  if (!(f >= 0.0 && f < 1.0))
    throw latent::UserError("subset: --val-fraction " + std::to_string(f) +
                            ": expected a share in [0, 1)");
  if (part != "train" && part != "val")
    throw latent::UserError("subset: --part '" + part + "': expected train or val");
  if (f == 0.0) {
    if (part == "val")
      throw latent::UserError(
          "subset: --part val needs --val-fraction above 0 (nothing is held out)");
    return spec;
  }
  spec.part = part == "val" ? DatasetSpec::Part::kHoldout : DatasetSpec::Part::kTrain;
  spec.holdout_fraction = f;
  const uint64_t seed = vm["seed"].as<uint64_t>();
  if (seed > 0xffffffffull)
    throw latent::UserError("subset: --seed " + std::to_string(seed) + ": expected 32 bits");
  spec.holdout_seed = static_cast<uint32_t>(seed);
  return spec;
}

}  // namespace

int cmd_subset(int argc, char** argv) {
  using namespace latent;
  po::options_description options(
      "usage: latent subset --data F.h5 [--data G.h5 ...] --out S.h5 [--val-fraction f "
      "--part train|val --seed S]\n\noptions");
  options.add_options()("help,h", "show this help")("data", po::value<std::vector<std::string>>(),
                                                    "dataset (HDF5); several are concatenated")(
      "dataset", po::value<std::string>()->default_value("images"), "images dataset name")(
      "labels-dataset", po::value<std::string>()->default_value("labels"),
      "labels dataset name (used where the file has it)")(
      "out", po::value<std::string>(), "output: /images, /labels when every input has them")(
      "val-fraction", po::value<double>()->default_value(0.0),
      "split each input as latent train --val-fraction does (0: keep every row)")(
      "part", po::value<std::string>()->default_value("train"),
      "train: the rows train would train on; val: those it holds out")(
      "seed", po::value<uint64_t>()->default_value(1), "seed of the split (train's --seed)");
  auto vm = parse_command("subset", options, argc, argv);
  if (vm.count("help")) {
    std::cout << options;
    return 0;
  }
  require_options("subset", vm, {"data", "out"});
  const auto inputs = vm["data"].as<std::vector<std::string>>();
  std::vector<DatasetSpec> specs;
  for (const auto& in : inputs) specs.push_back(spec_of(in, vm));
  Communicator& comm = world();
  if (comm.rank() == 0) {
    auto single = make_single_process_communicator();
    // Every input is opened first, so a mismatch is refused before anything is written.
    std::vector<std::unique_ptr<StreamingDataset>> data;
    for (const auto& spec : specs) data.push_back(open_shard(spec, 1024, *single));
    const Shape shape = data.front()->sample_shape();
    bool labels = true;
    for (size_t i = 0; i < data.size(); ++i) {
      if (data[i]->sample_shape() != shape)
        throw UserError("subset: samples of " + inputs[i] + " have shape " +
                        data[i]->sample_shape().str() + "; expected " + shape.str() + " as in " +
                        inputs.front());
      labels = labels && data[i]->has_labels();
    }
    TableWriter out(vm["out"].as<std::string>(), {{"images", row_dims(shape)}}, labels);
    Tensor images;
    std::vector<int> rows_labels;
    uint64_t first = 0;
    for (auto& d : data)
      while (d->next_batch(images, &rows_labels, &first))
        if (images.dim(0) > 0)
          out.append(images.dim(0), {images.data()}, labels ? rows_labels.data() : nullptr);
    const int64_t rows = out.rows();
    out.close();
    std::cout << "subset: " << rows << " samples" << (labels ? " with labels" : "") << " in "
              << vm["out"].as<std::string>() << "\n";
  }
  comm.barrier();
  return 0;
}
