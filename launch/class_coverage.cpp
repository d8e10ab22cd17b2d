#include "launch/class_coverage.hpp"

#include <cmath>
#include <fstream>

#include "launch/gnuplot.hpp"

namespace latent {

nlohmann::ordered_json class_coverage(const std::vector<double>& counts, int64_t n) {
  const int64_t classes = static_cast<int64_t>(counts.size());
  int64_t present = 0;
  double entropy = 0;
  nlohmann::ordered_json histogram = nlohmann::ordered_json::array();
  for (int64_t c = 0; c < classes; ++c) {
    histogram.push_back(static_cast<int64_t>(counts[c]));
    if (counts[c] == 0) continue;
    ++present;
    const double p = counts[c] / static_cast<double>(n);
    entropy -= p * std::log(p);
  }
  return {{"classes", classes},
          {"classes_present", present},
          {"class_evenness", entropy / std::log(static_cast<double>(classes))},
          {"class_histogram", histogram}};
}

void draw_class_histogram(const std::string& png, const std::vector<double>& counts) {
  ScratchDir scratch;
  const std::string data = scratch.path() + "/classes.dat";
  std::ofstream out(data);
  for (size_t c = 0; c < counts.size(); ++c) out << c << " " << counts[c] << "\n";
  out.close();
  const std::string script =
      "set terminal pngcairo size 640,400 font ',10'\nset output outfile\n"
      "set title 'classes of the generated samples (judge)'\nset xlabel 'class'\n"
      "set ylabel 'samples'\nset boxwidth 0.8\nset style fill solid 0.7\nset grid y\n"
      "set yrange [0:*]\nset xtics 1\nplot " +
      gnuplot_quote(data) + " using 1:2 with boxes notitle\n";
  run_gnuplot("score", png, script);
}

}  // namespace latent
