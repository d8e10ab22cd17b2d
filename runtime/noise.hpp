#pragma once
// Input corruption for denoising autoencoders. Each sample's noise is keyed by its global
// index, so it does not depend on the batch split across ranks.
#include <string>

#include "runtime/ops.hpp"
#include "runtime/rng.hpp"

namespace latent {

using NoiseKind = ops::Noise;

// "none", "gaussian", "masking", "salt-pepper"; throws std::invalid_argument otherwise.
NoiseKind parse_noise(const std::string& name);

// y = corrupt(x): gaussian adds level·N(0,1); masking zeroes each element with probability
// level; salt-pepper sets each element with probability level to 0 or 1 (even odds).
inline void corrupt(NoiseKind kind, float level, const CounterRng& rng, const Tensor& x, Tensor& y,
                    uint64_t first_index) {
  ops::corrupt(kind, level, {rng.seed(), rng.stream()}, x, y, first_index);
}

}  // namespace latent
