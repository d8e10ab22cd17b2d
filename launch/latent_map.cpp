#include "launch/latent_map.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <vector>

#include "io/checkpoint_reader.hpp"
#include "launch/gnuplot.hpp"
#include "models/principal_components.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

// Ten colours that stay apart (the "tab10" set), one per label.
const char* kColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

struct Map2d {
  std::vector<double> xy;  // n x 2
  std::string x_label, y_label, method;
};

Map2d map_codes(const Tensor& codes) {
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
  Projection2d p = project_2d(std::vector<float>(codes.data(), codes.data() + n * k), n, k);
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
  ScratchDir scratch;
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
  s += "set title " + gnuplot_quote(title) + " noenhanced\n";
  s += "set xlabel " + gnuplot_quote(map.x_label) + " noenhanced\n";
  s += "set ylabel " + gnuplot_quote(map.y_label) + " noenhanced\n";
  s += "set key outside right top title 'label'\nset grid\nplot ";
  int index = 0;
  for (auto& [label, rows] : groups) {
    if (index) s += ", \\\n  ";
    s += gnuplot_quote(data_path) + " index " + std::to_string(index) +
         " using 1:2 with points pt 7 ps 0.35 lc rgb '" + kColours[index % 10] + "' title " +
         gnuplot_quote(label < 0 ? std::string("samples") : std::to_string(label));
    ++index;
  }
  run_gnuplot("plot-latent", png, s + "\n");
}

}  // namespace

void draw_latent_map(const std::string& codes_file, const std::string& png,
                     const std::string& title, const LatentMapOptions& options) {
  CheckpointReader file(codes_file);
  Tensor codes = file.read_tensor("/latent");
  if (codes.rank() != 2)
    throw UserError("plot-latent: " + codes_file + " /latent is " + codes.shape().str() +
                    "; expected (N, K) codes");
  std::vector<int64_t> labels;
  if (file.has("/labels")) labels = file.read_ints("/labels");
  Map2d map = map_codes(codes);
  draw(png, map, labels, options.max_points, options.width, options.height,
       title + " (" + map.method + ")");
  std::cout << "plot-latent: " << codes.dim(0) << " codes (" << map.method << ") in " << png
            << "\n";
}

}  // namespace latent
