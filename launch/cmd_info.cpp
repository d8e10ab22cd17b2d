// `latent info F.h5 ...`: what a dataset or checkpoint file holds.
#include <boost/program_options.hpp>
#include <iostream>

#include "io/file_info.hpp"
#include "launch/option_parsing.hpp"
#include "launch/subcommands.hpp"
#include "runtime/error.hpp"

namespace po = boost::program_options;

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
  for (const std::string& f : vm["files"].as<std::vector<std::string>>())
    std::cout << latent::describe_file(f);
  return 0;
}
