// `latent plot --run DIR [--png P.png] [--keys loss,recon] [--log-y]`: loss curves from the
// run's metrics.jsonl, one panel per quantity, training rows as lines and validation rows
// ("split": "val") as points, against the step. Drawn by gnuplot.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "io/input_file.hpp"
#include "launch/app_support.hpp"
#include "launch/gnuplot.hpp"
#include "launch/subcommands.hpp"
#include "runtime/error.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

// Quantities worth a curve by default: numbers other than the position (step, epoch), the
// timings and rates (keys ending in "_s": samples_per_s, step_s, ...) and the host's waits.
bool is_default_key(const std::string& key) {
  if (key == "step" || key == "epoch" || key == "host_waits") return false;
  return !(key.size() > 2 && key.compare(key.size() - 2, 2, "_s") == 0);
}

struct Series {
  std::vector<std::pair<double, double>> train, val;  // (step, value)
};

}  // namespace

int cmd_plot(int argc, char** argv) {
  using namespace latent;
  po::options_description options("usage: latent plot --run DIR [--png P.png]\n\noptions");
  options.add_options()("help,h", "show this help")(
      "run", po::value<std::string>(), "run folder of latent train (holds metrics.jsonl)")(
      "png", po::value<std::string>(), "output (default: DIR/losses.png)")(
      "keys", po::value<std::string>(), "comma-separated quantities (default: every loss)")(
      "log-y", "logarithmic y axes")("width", po::value<int>()->default_value(900),
                                     "PNG width in pixels")(
      "panel-height", po::value<int>()->default_value(260), "pixels per panel");
  auto vm = parse_command("plot", options, argc, argv);
  if (vm.count("help")) {
    std::cout << options << "\nNeeds gnuplot (Debian: gnuplot-nox).\n";
    return 0;
  }
  require_options("plot", vm, {"run"});
  fs::path run(vm["run"].as<std::string>());
  fs::path metrics = run / "metrics.jsonl";
  expect_regular_input(metrics.string(),
                       "plot:", "a run folder's metrics.jsonl (is --run a run folder?)");
  std::ifstream in(metrics);
  if (!in) throw UserError("plot: " + metrics.string() + " not found (is --run a run folder?)");
  std::string png = vm.count("png") ? vm["png"].as<std::string>() : (run / "losses.png").string();

  std::vector<std::string> order;  // keys in first-seen order
  std::map<std::string, Series> series;
  std::string line;
  int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    nlohmann::ordered_json row;
    try {
      row = nlohmann::ordered_json::parse(line);
    } catch (const nlohmann::json::exception&) {
      throw UserError("plot: " + metrics.string() + " line " + std::to_string(line_no) +
                      " is not JSON");
    }
    if (!row.is_object() || !row.contains("step") || !row["step"].is_number()) continue;
    const bool val = row.value("split", std::string()) == "val";
    const double step = row["step"].get<double>();
    for (auto& [key, value] : row.items()) {
      if (!value.is_number()) continue;  // null (NaN/Inf) and strings
      if (!series.count(key)) order.push_back(key);
      (val ? series[key].val : series[key].train).emplace_back(step, value.get<double>());
    }
  }
  std::vector<std::string> keys;
  if (vm.count("keys")) {
    std::stringstream list(vm["keys"].as<std::string>());
    std::string k;
    while (std::getline(list, k, ','))
      if (!k.empty()) {
        if (!series.count(k))
          throw UserError("plot: " + metrics.string() + " has no numeric '" + k + "'");
        keys.push_back(k);
      }
  } else {
    for (const std::string& k : order)
      if (is_default_key(k)) keys.push_back(k);
  }
  if (keys.empty()) throw UserError("plot: " + metrics.string() + " holds no loss values to plot");

  ScratchDir scratch;
  const int panels = static_cast<int>(keys.size());
  std::string s = "set terminal pngcairo size " + std::to_string(vm["width"].as<int>()) + "," +
                  std::to_string(panels * vm["panel-height"].as<int>()) +
                  " font ',10'\nset output outfile\nset grid\nset key top right\n";
  if (vm.count("log-y")) s += "set logscale y\n";
  s += "set multiplot layout " + std::to_string(panels) + ",1 title " +
       gnuplot_quote("losses of " + run.filename().string()) + " noenhanced\n";
  for (int p = 0; p < panels; ++p) {
    const Series& ser = series[keys[p]];
    // One file per series (an empty series gets none: gnuplot refuses empty data).
    auto write = [&](const std::vector<std::pair<double, double>>& points, const char* name) {
      std::string file = scratch.path() + "/" + std::to_string(p) + name;
      std::ofstream data(file);
      data.precision(9);
      for (auto& [x, y] : points) data << x << " " << y << "\n";
      return file;
    };
    s += "set ylabel " + gnuplot_quote(keys[p]) + " noenhanced\n";
    s += p + 1 == panels ? "set xlabel 'step'\n" : "unset xlabel\n";
    std::vector<std::string> parts;
    if (!ser.train.empty())
      parts.push_back(gnuplot_quote(write(ser.train, "train.dat")) +
                      " using 1:2 with lines lw 1.5 title 'train'");
    if (!ser.val.empty())
      parts.push_back(gnuplot_quote(write(ser.val, "val.dat")) +
                      " using 1:2 with linespoints pt 7 ps 0.8 title 'validation'");
    s += "plot ";
    for (size_t i = 0; i < parts.size(); ++i) s += (i ? ", " : "") + parts[i];
    s += "\n";
  }
  s += "unset multiplot\n";
  run_gnuplot("plot", png, s);
  std::cout << "plot: " << panels << " panels (";
  for (int p = 0; p < panels; ++p) std::cout << (p ? ", " : "") << keys[p];
  std::cout << ") in " << png << "\n";
  return 0;
}
