// `latent plot-latent --checkpoint C --data F --png P.png` (or `--latent Z.h5` from `latent
// encode`): a 2-d map of the codes (launch/latent_map.hpp). Under mpirun the encoding is sharded
// (through a temporary codes file beside the PNG, or --out) and rank 0 draws.
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "launch/encode_command.hpp"
#include "launch/latent_map.hpp"
#include "launch/subcommands.hpp"
#include "launch/world.hpp"
#include "runtime/error.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace latent {
namespace {

void add_map_options(po::options_description& o) {
  o.add_options()("png", po::value<std::string>(), "the scatter plot")(
      "max-points", po::value<int64_t>()->default_value(10000), "plot every k-th code above this")(
      "width", po::value<int>()->default_value(800), "PNG width in pixels")(
      "height", po::value<int>()->default_value(600), "PNG height in pixels");
}

LatentMapOptions map_options(const po::variables_map& vm) {
  require_options("plot-latent", vm, {"png"});
  LatentMapOptions m{vm["max-points"].as<int64_t>(), vm["width"].as<int>(), vm["height"].as<int>()};
  if (m.max_points < 1 || m.width < 64 || m.height < 64)
    throw UserError("plot-latent: --max-points must be >= 1 and --width/--height >= 64");
  return m;
}

// The codes of a checkpoint's model, encoded as `latent encode` does, then drawn.
class PlotLatent : public EncodeCommand {
 public:
  PlotLatent()
      : EncodeCommand({"plot-latent",
                       "--checkpoint C.h5 --data F.h5 --png P.png",
                       "Or `latent plot-latent --latent Z.h5 --png P.png` for codes latent encode "
                       "wrote. Needs gnuplot (Debian: gnuplot-nox).\n",
                       {Capability::kEncode},
                       AppSpec::Input::kImages,
                       /*writes_output=*/false}) {}

 private:
  void add_options(po::options_description& o) override {
    add_map_options(o);
    o.add_options()("out", po::value<std::string>(), "also keep the codes (as latent encode)");
  }
  void check_options() override { map_ = map_options(options()); }
  std::string output_file() override {
    if (options().count("out")) return option<std::string>("out");
    const fs::path png(option<std::string>("png"));
    return (png.parent_path() / ("." + png.filename().string() + ".codes.h5")).string();
  }
  void finish() override {
    if (root()) {
      const std::string codes = output_file();
      struct Cleanup {  // the temporary codes file goes, whatever happens
        std::string path;
        ~Cleanup() {
          if (!path.empty()) std::remove(path.c_str());
        }
      } cleanup{options().count("out") ? std::string() : codes};
      draw_latent_map(codes, option<std::string>("png"),
                      model().kind() + " codes of " + fs::path(input().path).filename().string(),
                      map_);
    }
    comm().barrier();
  }

  LatentMapOptions map_;
};

// `--latent Z.h5`: codes already written; rank 0 draws them.
int plot_codes_file(int argc, char** argv) {
  po::options_description options("usage: latent plot-latent --latent Z.h5 --png P.png\n\noptions");
  options.add_options()("help,h", "show this help")("latent", po::value<std::string>(),
                                                    "codes written by latent encode")(
      "checkpoint", po::value<std::string>(), "(not with --latent)")(
      "data", po::value<std::string>(), "(not with --latent)");
  add_map_options(options);
  auto vm = parse_command("plot-latent", options, argc, argv);
  if (vm.count("checkpoint") || vm.count("data"))
    throw UserError("plot-latent: give either --checkpoint and --data, or --latent");
  const LatentMapOptions map = map_options(vm);
  Communicator& comm = world();
  const std::string codes = vm["latent"].as<std::string>();
  if (comm.rank() == 0)
    draw_latent_map(codes, vm["png"].as<std::string>(), fs::path(codes).filename().string(), map);
  comm.barrier();
  return 0;
}

}  // namespace
}  // namespace latent

int cmd_plot_latent(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (!std::strcmp(argv[i], "--latent") || !std::strncmp(argv[i], "--latent=", 9))
      return latent::plot_codes_file(argc, argv);
  return latent::PlotLatent().run(argc, argv);
}
