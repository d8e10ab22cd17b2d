#pragma once
// Counter-based random numbers (Philox4x32-10, Salmon et al. 2011).
//
// A draw is a pure function of (seed, stream, counter): no state advances, so the noise of a
// sample can be keyed by its global sample index and comes out the same whatever the number
// of ranks or the batch split. Streams separate independent uses (dropout of layer 3, VAE ε,
// GAN z, data shuffling).
#include <array>
#include <cstdint>

#include "runtime/tensor.hpp"

namespace latent {

// Four 32-bit random words for key (seed) and 128-bit counter (stream, index, sub).
std::array<uint32_t, 4> philox4x32(uint64_t seed, uint64_t stream, uint64_t index, uint32_t sub);

class CounterRng {
 public:
  CounterRng(uint64_t seed, uint64_t stream) : seed_(seed), stream_(stream) {}
  uint64_t seed() const { return seed_; }
  uint64_t stream() const { return stream_; }

  // Uniform in [0, 1) for element `element` of item `index` (a global sample index, a step).
  float uniform(uint64_t index, uint64_t element) const;
  // Standard normal (Box-Muller over one Philox block).
  float normal(uint64_t index, uint64_t element) const;
  // A uniformly random 64-bit integer.
  uint64_t bits(uint64_t index, uint64_t element) const;

  // Fills t[n, ...] row by row: row n is keyed by global index first_index + n, so a row's
  // numbers do not depend on how the batch was split.
  void fill_normal(Tensor& t, uint64_t first_index) const;
  void fill_uniform(Tensor& t, uint64_t first_index) const;
  // Uniform in [lo, hi), element i of the tensor keyed by (index 0, element i): initialisation.
  void fill_uniform_range(Tensor& t, float lo, float hi) const;
  // Inverted-dropout mask: each element 0 with probability p, else 1/(1-p); rows keyed as above.
  void fill_dropout_mask(Tensor& t, uint64_t first_index, float p) const;

 private:
  uint64_t seed_;
  uint64_t stream_;
};

// Named streams, so two uses of one seed never share numbers.
enum RngStream : uint64_t {
  kStreamInit = 1,       // parameter initialisation (+ layer index)
  kStreamShuffle = 2,    // dataset order per epoch
  kStreamNoise = 3,      // VAE ε, denoising corruption
  kStreamLatent = 4,     // GAN / generation z
  kStreamHoldout = 5,    // train / validation split of one file
  kStreamDropout = 1000  // + layer index
};

}  // namespace latent
