#include "runtime/rng.hpp"

#include <limits>

#include "runtime/error.hpp"
#include "runtime/ops.hpp"
#include "runtime/philox.hpp"

namespace latent {

StreamId derive_stream(StreamId parent, const std::string& child) {
  uint32_t h = 2166136261u;
  for (int i = 0; i < 4; ++i) h = (h ^ ((parent >> (8 * i)) & 0xffu)) * 16777619u;
  h = (h ^ '/') * 16777619u;
  for (unsigned char c : child) h = (h ^ c) * 16777619u;
  return h;
}

uint32_t checked_seed(uint64_t seed, const char* option) {
  if (seed > std::numeric_limits<uint32_t>::max())
    throw UserError("--" + std::string(option) + " " + std::to_string(seed) +
                    ": expected a seed in [0, 4294967295] (Philox keys are 32-bit)");
  return static_cast<uint32_t>(seed);
}

float CounterRng::uniform(uint64_t index, uint64_t element) const {
  return philox::uniform(seed_, stream_, index, element);
}

float CounterRng::normal(uint64_t index, uint64_t element) const {
  return philox::normal(seed_, stream_, index, element);
}

uint64_t CounterRng::bits(uint64_t index, uint64_t element) const {
  return philox::bits(seed_, stream_, index, element);
}

void CounterRng::raw_block(uint64_t index, uint32_t block, uint32_t purpose,
                           uint32_t out[4]) const {
  philox::Words b = philox::block(seed_, stream_, index, block, purpose);
  for (int i = 0; i < 4; ++i) out[i] = b.w[i];
}

void CounterRng::fill_normal(Tensor& t, uint64_t first_index) const {
  ops::random_normal(t, {seed_, stream_}, first_index, 0.0f, 1.0f);
}

void CounterRng::fill_uniform(Tensor& t, uint64_t first_index) const {
  ops::random_uniform(t, {seed_, stream_}, first_index, 0.0f, 1.0f);
}

void CounterRng::fill_uniform_range(Tensor& t, float lo, float hi, uint64_t slot) const {
  Tensor flat = t.view();
  flat.reshape(Shape{1, t.numel()});
  ops::random_uniform(flat, {seed_, stream_}, slot, lo, hi);
}

void CounterRng::fill_dropout_mask(Tensor& t, uint64_t first_index, float p) const {
  ops::dropout_mask(t, {seed_, stream_}, first_index, p);
}

}  // namespace latent
