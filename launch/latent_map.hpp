#pragma once
// A 2-d map of codes, one colour per label with a legend: the codes' first two dimensions when
// K = 2 (or K = 1), else their first two principal components (the title gives the variance
// they explain). Drawn by gnuplot.
#include <cstdint>
#include <string>

namespace latent {

struct LatentMapOptions {
  int64_t max_points = 10000;  // every k-th code above this
  int width = 800, height = 600;
};

// Reads /latent (N, K) and /labels (when there) of `codes_file` and draws `png`; `title`
// names what the codes are ("vae codes of mnist.h5"). Prints one line on stdout.
void draw_latent_map(const std::string& codes_file, const std::string& png,
                     const std::string& title, const LatentMapOptions& options);

}  // namespace latent
