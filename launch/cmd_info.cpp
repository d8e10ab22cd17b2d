// `latent info F.h5 ...`: what a dataset or checkpoint file holds.
#include <boost/program_options.hpp>
#include <iostream>

#include "io/checkpoint_reader.hpp"
#include "io/file_info.hpp"
#include "launch/option_parsing.hpp"
#include "launch/subcommands.hpp"
#include "models/model_kinds.hpp"
#include "runtime/error.hpp"

namespace po = boost::program_options;

namespace {

// For a checkpoint: its kind of model as the kinds table describes it, and what it can do.
std::string kind_line(const std::string& file) {
  using namespace latent;
  CheckpointReader r(file);
  if (!r.has_meta("model")) return "";
  const std::string name = r.meta_string("model");
  for (const ModelKind& k : model_kinds()) {
    if (name != k.name) continue;
    const ModelTraits& t = k.traits;
    std::string can;
    auto add = [&](bool has, const char* what) {
      if (has) can += (can.empty() ? "" : ", ") + std::string(what);
    };
    add(t.can_encode, "encode, plot-latent");
    add(t.can_encode && t.can_decode, "reconstruct, denoise, interpolate");
    add(t.can_decode, "decode");
    add(t.can_generate, "generate, score");
    add(t.has_anomaly_score, "anomaly");
    add(t.has_likelihood_bound, "eval --iw-samples");
    add(t.can_classify, "classify, score --judge");
    return "  model " + name + ": " + k.summary + "\n  commands it serves: eval" +
           (can.empty() ? "" : ", " + can) + "\n";
  }
  return "  model " + name + ": a kind this latent does not know\n";
}

}  // namespace

int cmd_info(int argc, char** argv) {
  po::options_description options("usage: latent info FILE.h5 [FILE.h5 ...]\n\noptions");
  options.add_options()("help,h", "show this help");
  po::options_description hidden;
  hidden.add_options()("files", po::value<std::vector<std::string>>(), "HDF5 files");
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("files", -1);
  po::variables_map vm;
  latent::store_command_line("info", argc, argv, all, vm, &positional);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << options
              << "\nPrints every dataset (shape, type, chunking, compression), every "
                 "attribute, and for a checkpoint its model and step.\n";
    return 0;
  }
  if (!vm.count("files")) throw latent::UserError("info: no file given (latent info FILE.h5)");
  for (const std::string& f : vm["files"].as<std::vector<std::string>>()) {
    std::cout << latent::describe_file(f);
    std::cout << kind_line(f);
  }
  return 0;
}
