#include "runtime/noise.hpp"

#include <stdexcept>

namespace latent {

NoiseKind parse_noise(const std::string& name) {
  if (name == "none") return NoiseKind::kNone;
  if (name == "gaussian") return NoiseKind::kGaussian;
  if (name == "masking") return NoiseKind::kMasking;
  if (name == "salt-pepper" || name == "salt_pepper") return NoiseKind::kSaltPepper;
  throw std::invalid_argument("noise '" + name +
                              "' (expected none, gaussian, masking or salt-pepper)");
}

void corrupt(NoiseKind kind, float level, const CounterRng& rng, const Tensor& x, Tensor& y,
             uint64_t first_index) {
  int64_t rows = x.dim(0), cols = x.shape().per_sample();
  const float* px = x.data();
  float* py = y.data();
  for (int64_t n = 0; n < rows; ++n) {
    uint64_t index = first_index + n;
    for (int64_t j = 0; j < cols; ++j) {
      int64_t i = n * cols + j;
      switch (kind) {
        case NoiseKind::kNone:
          py[i] = px[i];
          break;
        case NoiseKind::kGaussian:
          py[i] = px[i] + level * rng.normal(index, j);
          break;
        case NoiseKind::kMasking:
          py[i] = rng.uniform(index, j) < level ? 0.0f : px[i];
          break;
        case NoiseKind::kSaltPepper: {
          float u = rng.uniform(index, j);
          py[i] = u < level ? (u < 0.5f * level ? 0.0f : 1.0f) : px[i];
          break;
        }
      }
    }
  }
}

}  // namespace latent
