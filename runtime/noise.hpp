#pragma once
// Input corruption for denoising autoencoders. Each sample's noise is keyed by its global
// index, so it does not depend on the batch split across ranks.
#include <string>

#include "runtime/rng.hpp"

namespace latent {

enum class NoiseKind { kNone, kGaussian, kMasking, kSaltPepper };

// "none", "gaussian", "masking", "salt-pepper"; throws std::invalid_argument otherwise.
NoiseKind parse_noise(const std::string& name);

// y = corrupt(x): gaussian adds level·N(0,1); masking zeroes each element with probability
// level; salt-pepper sets each element with probability level to 0 or 1 (even odds).
void corrupt(NoiseKind kind, float level, const CounterRng& rng, const Tensor& x, Tensor& y,
             uint64_t first_index);

}  // namespace latent
