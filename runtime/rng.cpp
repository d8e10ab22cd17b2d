#include "runtime/rng.hpp"

#include <cmath>

namespace latent {
namespace {

constexpr uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
constexpr uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;

inline void mulhilo(uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
  uint64_t p = static_cast<uint64_t>(a) * b;
  hi = static_cast<uint32_t>(p >> 32);
  lo = static_cast<uint32_t>(p);
}

// 24 random bits to a float in [0, 1).
inline float to_unit(uint32_t x) {
  return (x >> 8) * (1.0f / 16777216.0f);
}

}  // namespace

std::array<uint32_t, 4> philox4x32(uint64_t seed, uint64_t stream, uint64_t index, uint32_t sub) {
  uint32_t c0 = static_cast<uint32_t>(index), c1 = static_cast<uint32_t>(index >> 32);
  uint32_t c2 = static_cast<uint32_t>(stream) ^ sub, c3 = static_cast<uint32_t>(stream >> 32);
  uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, lo0, hi1, lo1;
    mulhilo(kMul0, c0, hi0, lo0);
    mulhilo(kMul1, c2, hi1, lo1);
    uint32_t n0 = hi1 ^ c1 ^ k0, n1 = lo1, n2 = hi0 ^ c3 ^ k1, n3 = lo0;
    c0 = n0, c1 = n1, c2 = n2, c3 = n3;
    k0 += kWeyl0, k1 += kWeyl1;
  }
  return {c0, c1, c2, c3};
}

// The element number picks a Philox block (element / 4) and a word in it; the block number
// goes into the counter's third word together with the stream.
float CounterRng::uniform(uint64_t index, uint64_t element) const {
  auto r = philox4x32(seed_, stream_ + ((element >> 2) << 20), index, 0);
  return to_unit(r[element & 3]);
}

uint64_t CounterRng::bits(uint64_t index, uint64_t element) const {
  auto r = philox4x32(seed_, stream_ + (element << 20), index, 0x5bd1e995u);
  return (static_cast<uint64_t>(r[0]) << 32) | r[1];
}

float CounterRng::normal(uint64_t index, uint64_t element) const {
  auto r = philox4x32(seed_, stream_ + (element << 20), index, 0x27d4eb2du);
  // u1 in (0, 1] so the log is finite.
  float u1 = ((r[0] >> 8) + 1) * (1.0f / 16777216.0f);
  float u2 = to_unit(r[1]);
  return std::sqrt(-2.0f * std::log(u1)) * std::cos(6.283185307179586f * u2);
}

void CounterRng::fill_normal(Tensor& t, uint64_t first_index) const {
  int64_t rows = t.dim(0), cols = t.shape().per_sample();
  float* p = t.data();
  for (int64_t n = 0; n < rows; ++n)
    for (int64_t j = 0; j < cols; ++j) p[n * cols + j] = normal(first_index + n, j);
}

void CounterRng::fill_uniform(Tensor& t, uint64_t first_index) const {
  int64_t rows = t.dim(0), cols = t.shape().per_sample();
  float* p = t.data();
  for (int64_t n = 0; n < rows; ++n)
    for (int64_t j = 0; j < cols; ++j) p[n * cols + j] = uniform(first_index + n, j);
}

void CounterRng::fill_uniform_range(Tensor& t, float lo, float hi) const {
  float* p = t.data();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = lo + (hi - lo) * uniform(0, i);
}

void CounterRng::fill_dropout_mask(Tensor& t, uint64_t first_index, float p) const {
  int64_t rows = t.dim(0), cols = t.shape().per_sample();
  float keep = 1.0f / (1.0f - p);
  float* m = t.data();
  for (int64_t n = 0; n < rows; ++n)
    for (int64_t j = 0; j < cols; ++j)
      m[n * cols + j] = uniform(first_index + n, j) < p ? 0.0f : keep;
}

}  // namespace latent
