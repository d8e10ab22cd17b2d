#pragma once
// Counter-based random numbers: Philox4x32-10 (Random123), see runtime/philox.hpp.
//
// A draw is a pure function of (seed, stream, index, element): no state advances, so the noise
// of a sample is keyed by its global sample index and comes out the same whatever the number of
// ranks, the batch split or the device. Streams separate independent uses (the initial weights
// of each layer, VAE ε, GAN z, data shuffling). A stream is a named constant or a hash of a name
// (derive_stream): never arithmetic on another stream, which could land on a third one.
#include <cstdint>
#include <string>

#include "runtime/tensor.hpp"

namespace latent {

using StreamId = uint32_t;

// FNV-1a of a name: the stream of a named use.
constexpr StreamId stream_id(const char* name) {
  uint32_t h = 2166136261u;
  for (; *name; ++name) h = (h ^ static_cast<uint8_t>(*name)) * 16777619u;
  return h;
}
// A child stream: the hash of the parent's id and the child's name ("3_linear", "g-step/1").
StreamId derive_stream(StreamId parent, const std::string& child);

// The named streams of a run. Tests check that the streams one model uses are all distinct.
constexpr StreamId kStreamInit = stream_id("init");          // parent of every network's init
constexpr StreamId kStreamShuffle = stream_id("shuffle");    // dataset order per epoch
constexpr StreamId kStreamNoise = stream_id("noise");        // VAE ε, denoising corruption
constexpr StreamId kStreamLatent = stream_id("latent");      // GAN z in training
constexpr StreamId kStreamGenerate = stream_id("generate");  // codes of Model::generate
constexpr StreamId kStreamHoldout = stream_id("holdout");    // train / validation split
constexpr StreamId kStreamDropout = stream_id("dropout");    // parent of dropout masks

// Seeds are 32 bits: key = (seed, stream). Throws UserError naming `option` otherwise.
uint32_t checked_seed(uint64_t seed, const char* option = "seed");

class CounterRng {
 public:
  CounterRng(uint32_t seed, StreamId stream) : seed_(seed), stream_(stream) {}
  uint32_t seed() const { return seed_; }
  StreamId stream() const { return stream_; }

  // Uniform in [0, 1) for element `element` of item `index` (a global sample index, an epoch).
  float uniform(uint64_t index, uint64_t element) const;
  // Standard normal (Box-Muller on one Philox block, four per block).
  float normal(uint64_t index, uint64_t element) const;
  // A uniformly random 64-bit integer.
  uint64_t bits(uint64_t index, uint64_t element) const;
  // The four raw words of block `block` for a purpose (tests of stream independence).
  void raw_block(uint64_t index, uint32_t block, uint32_t purpose, uint32_t out[4]) const;

  // Tensor fills run as backend ops (on the tensor's device). Row n of t[N, ...] is keyed by
  // global index first_index + n, so a row's numbers do not depend on how a batch was split.
  void fill_normal(Tensor& t, uint64_t first_index) const;
  void fill_uniform(Tensor& t, uint64_t first_index) const;
  // Uniform in [lo, hi) over the whole tensor, element i keyed by (index `slot`, element i):
  // initialisation (slot 0 a layer's weight, 1 its bias).
  void fill_uniform_range(Tensor& t, float lo, float hi, uint64_t slot = 0) const;
  // Inverted-dropout mask: each element 0 with probability p, else 1/(1-p); rows keyed as above.
  void fill_dropout_mask(Tensor& t, uint64_t first_index, float p) const;

 private:
  uint32_t seed_;
  StreamId stream_;
};

}  // namespace latent
