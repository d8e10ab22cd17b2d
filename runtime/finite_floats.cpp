#include "runtime/finite_floats.hpp"

#include <cstring>

#include "runtime/vector_clones.hpp"

namespace latent {
namespace {

// NaN and Inf have every exponent bit set. An integer test GCC vectorizes, where
// std::isfinite kept the loops scalar.
inline uint32_t non_finite_bit(const float* p) {
  uint32_t bits;
  std::memcpy(&bits, p, sizeof bits);
  return (bits & 0x7f800000u) == 0x7f800000u;
}

}  // namespace

LATENT_VECTOR_CLONES bool floats_finite(const float* __restrict p, int64_t n) {
  uint32_t non_finite = 0;
  for (int64_t i = 0; i < n; ++i) non_finite |= non_finite_bit(p + i);
  return non_finite == 0;
}

LATENT_VECTOR_CLONES bool copy_floats_finite(const float* __restrict p, int64_t n,
                                             float* __restrict out) {
  uint32_t non_finite = 0;
  for (int64_t i = 0; i < n; ++i) {
    out[i] = p[i];
    non_finite |= non_finite_bit(p + i);
  }
  return non_finite == 0;
}

}  // namespace latent
