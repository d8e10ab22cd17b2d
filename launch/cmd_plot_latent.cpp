// `latent plot-latent --checkpoint C --data F --png P.png` (or `--latent Z.h5` from `latent
// encode`): a 2-d map of the codes, one colour per label with a legend: the codes' first two
// dimensions when K = 2 (or K = 1), else their first two principal components (the title gives
// the variance they explain). Drawn by gnuplot. Under mpirun the encoding is sharded (through a
// temporary codes file beside the PNG) and rank 0 draws.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "io/checkpoint_reader.hpp"
#include "launch/app_support.hpp"
#include "launch/encode_dataset.hpp"
#include "launch/gnuplot.hpp"
#include "launch/subcommands.hpp"
#include "launch/world.hpp"
#include "models/principal_components.hpp"
#include "runtime/error.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

// Ten colours that stay apart (the "tab10" set), one per label.
const char* kColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

struct Map2d {
  std::vector<double> xy;  // n x 2
  std::string x_label, y_label, method;
};

Map2d map_codes(const latent::Tensor& codes) {
  const int64_t n = codes.dim(0), k = codes.dim(1);
  Map2d m;
  if (k <= 2) {
    m.xy.assign(n * 2, 0.0);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < k; ++j) m.xy[i * 2 + j] = codes.data()[i * k + j];
    m.x_label = "z_1";
    m.y_label = k == 2 ? "z_2" : "(K = 1)";
    m.method = "codes";
    return m;
  }
  latent::Projection2d p =
      latent::project_2d(std::vector<float>(codes.data(), codes.data() + n * k), n, k);
  m.xy = std::move(p.xy);
  char buf[64];
  std::snprintf(buf, sizeof buf, "PC1 (%.0f%% of variance)", 100 * p.explained[0]);
  m.x_label = buf;
  std::snprintf(buf, sizeof buf, "PC2 (%.0f%% of variance)", 100 * p.explained[1]);
  m.y_label = buf;
  m.method = "PCA of " + std::to_string(k) + "-d codes";
  return m;
}

void draw(const std::string& png, const Map2d& map, const std::vector<int64_t>& labels,
          int64_t max_points, int width, int height, const std::string& title) {
  const int64_t n = static_cast<int64_t>(map.xy.size() / 2);
  const int64_t stride = std::max<int64_t>(1, (n + max_points - 1) / max_points);
  std::map<int64_t, std::vector<int64_t>> groups;  // label -> rows (every stride-th row)
  for (int64_t i = 0; i < n; i += stride) groups[labels.empty() ? -1 : labels[i]].push_back(i);
  latent::ScratchDir scratch;
  std::string data_path = scratch.path() + "/points.dat";
  {
    std::ofstream data(data_path);
    for (auto& [label, rows] : groups) {
      for (int64_t i : rows) data << map.xy[i * 2] << " " << map.xy[i * 2 + 1] << "\n";
      data << "\n\n";  // gnuplot: next `index`
    }
  }
  std::string s = "set terminal pngcairo size " + std::to_string(width) + "," +
                  std::to_string(height) + " font ',10'\nset output outfile\n";
  s += "set title " + latent::gnuplot_quote(title) + " noenhanced\n";
  s += "set xlabel " + latent::gnuplot_quote(map.x_label) + " noenhanced\n";
  s += "set ylabel " + latent::gnuplot_quote(map.y_label) + " noenhanced\n";
  s += "set key outside right top title 'label'\nset grid\nplot ";
  int index = 0;
  for (auto& [label, rows] : groups) {
    if (index) s += ", \\\n  ";
    s += latent::gnuplot_quote(data_path) + " index " + std::to_string(index) +
         " using 1:2 with points pt 7 ps 0.35 lc rgb '" + kColours[index % 10] + "' title " +
         latent::gnuplot_quote(label < 0 ? std::string("samples") : std::to_string(label));
    ++index;
  }
  latent::run_gnuplot("plot-latent", png, s + "\n");
}

}  // namespace

int cmd_plot_latent(int argc, char** argv) {
  using namespace latent;
  po::options_description options(
      "usage: latent plot-latent --checkpoint C.h5 --data F.h5 --png P.png\n"
      "       latent plot-latent --latent Z.h5 --png P.png\n\noptions");
  options.add_options()("help,h", "show this help")("checkpoint", po::value<std::string>(),
                                                    "checkpoint of an autoencoder or vae")(
      "data", po::value<std::string>(), "dataset (HDF5) to encode and map")(
      "dataset", po::value<std::string>()->default_value("images"), "images dataset name")(
      "labels-dataset", po::value<std::string>()->default_value("labels"),
      "labels dataset name (used where the file has it)")(
      "latent", po::value<std::string>(), "codes written by latent encode (instead of C and F)")(
      "png", po::value<std::string>(), "the scatter plot")(
      "out", po::value<std::string>(), "also keep the codes (as latent encode writes them)")(
      "max-points", po::value<int64_t>()->default_value(10000), "plot every k-th code above this")(
      "width", po::value<int>()->default_value(800), "PNG width in pixels")(
      "height", po::value<int>()->default_value(600), "PNG height in pixels")(
      "batch", po::value<int64_t>()->default_value(256), "samples per forward pass")(
      "threads", po::value<int>()->default_value(0), kThreadsHelp)(
      "device", po::value<std::string>()->default_value("cpu"), kDeviceHelp);
  auto vm = parse_command("plot-latent", options, argc, argv);
  if (vm.count("help")) {
    std::cout << options << "\nNeeds gnuplot (Debian: gnuplot-nox).\n";
    return 0;
  }
  require_options("plot-latent", vm, {"png"});
  const bool from_codes = vm.count("latent") > 0;
  if (from_codes == (vm.count("checkpoint") || vm.count("data")))
    throw UserError("plot-latent: give either --checkpoint and --data, or --latent");
  if (!from_codes) require_options("plot-latent", vm, {"checkpoint", "data"});
  if (vm["max-points"].as<int64_t>() < 1 || vm["width"].as<int>() < 64 ||
      vm["height"].as<int>() < 64)
    throw UserError("plot-latent: --max-points must be >= 1 and --width/--height >= 64");
  Communicator& comm = world();
  const Device device = use_device(vm["device"].as<std::string>());
  use_threads(vm["threads"].as<int>(), comm);
  std::string png = vm["png"].as<std::string>(), codes_path, title;
  bool temporary_codes = false;
  if (from_codes) {
    codes_path = vm["latent"].as<std::string>();
    title = fs::path(codes_path).filename().string();
  } else {
    std::string ckpt = vm["checkpoint"].as<std::string>();
    auto model = load_model(ckpt, device);
    DatasetSpec spec = dataset_spec(vm, vm["data"].as<std::string>());
    expect_data_fits("plot-latent", *model, ckpt, spec);
    temporary_codes = !vm.count("out");
    fs::path p(png);
    codes_path = temporary_codes
                     ? (p.parent_path() / ("." + p.filename().string() + ".codes.h5")).string()
                     : vm["out"].as<std::string>();
    encode_dataset("plot-latent", *model, spec, codes_path, vm["batch"].as<int64_t>(), comm);
    title = model->kind() + " codes of " + fs::path(spec.path).filename().string();
  }
  if (comm.rank() == 0) {
    struct Cleanup {
      std::string path;
      ~Cleanup() {
        if (!path.empty()) std::remove(path.c_str());
      }
    } cleanup{temporary_codes ? codes_path : std::string()};
    CheckpointReader file(codes_path);
    Tensor codes = file.read_tensor("/latent");
    if (codes.rank() != 2)
      throw UserError("plot-latent: " + codes_path + " /latent is " + codes.shape().str() +
                      "; expected (N, K) codes");
    std::vector<int64_t> labels;
    if (file.has("/labels")) labels = file.read_ints("/labels");
    Map2d map = map_codes(codes);
    draw(png, map, labels, vm["max-points"].as<int64_t>(), vm["width"].as<int>(),
         vm["height"].as<int>(), title + " (" + map.method + ")");
    std::cout << "plot-latent: " << codes.dim(0) << " codes (" << map.method << ") in " << png
              << "\n";
  }
  comm.barrier();
  return 0;
}
