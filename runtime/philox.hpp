#pragma once
// Philox4x32-10 (Random123) and the transforms of its words into floats, written once for the
// host and for CUDA kernels, so that a GPU draws bit for bit the CPU's numbers.
//
// A draw is a pure function of key and counter:
//   key     = (seed, stream)                        two 32-bit words
//   counter = (index lo, index hi, block, purpose)  index: a global sample index, an epoch, ...
//                                                   block: element / 4 (4 words per block)
//                                                   purpose: which transform (uniform, normal,
//                                                   bits)
// Streams never share a counter word with anything else, so no two streams can overlap.
//
// Bit-exactness across devices: uniforms are integer work and one multiply. Normals need a log,
// a sine and a cosine; the C library's and CUDA's differ in the last bit, so they are computed
// here with explicit fused multiply-adds and IEEE division / square root, which both devices
// round identically.
#include <Random123/philox.h>

#include <cmath>
#include <cstdint>

#ifdef __CUDACC__
#define LATENT_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define LATENT_HOST_DEVICE inline
#endif

namespace latent::philox {

enum Purpose : uint32_t { kUniform = 0x756e6966u, kNormal = 0x6e6f726du, kBits = 0x62697473u };

struct Words {
  uint32_t w[4];
};

LATENT_HOST_DEVICE Words block(uint32_t seed, uint32_t stream, uint64_t index, uint32_t blk,
                               uint32_t purpose) {
  r123::Philox4x32 g;
  r123::Philox4x32::ctr_type c = {
      {static_cast<uint32_t>(index), static_cast<uint32_t>(index >> 32), blk, purpose}};
  r123::Philox4x32::key_type k = {{seed, stream}};
  r123::Philox4x32::ctr_type r = g(c, k);
  return Words{{r[0], r[1], r[2], r[3]}};
}

// 24 random bits to a float in [0, 1).
LATENT_HOST_DEVICE float unit(uint32_t x) {
  return static_cast<float>(x >> 8) * (1.0f / 16777216.0f);
}
// 24 random bits to a float in (0, 1]: a finite log.
LATENT_HOST_DEVICE float unit_open0(uint32_t x) {
  return static_cast<float>((x >> 8) + 1) * (1.0f / 16777216.0f);
}

// ln(u) for u in (0, 1]: u = m·2^e with m in [√½, √2), ln m = 2·atanh(s), s = (m-1)/(m+1),
// |s| ≤ 0.172, the odd series to s^11 (error below 1e-9).
LATENT_HOST_DEVICE float log_unit(float u) {
  int e = 0;
  float m = std::frexp(u, &e);  // m in [0.5, 1)
  if (m < 0.70710678f) {
    m = m * 2.0f;
    e -= 1;
  }
  float s = (m - 1.0f) / (m + 1.0f);
  float s2 = s * s;
  float p = std::fma(s2, 1.0f / 11.0f, 1.0f / 9.0f);
  p = std::fma(p, s2, 1.0f / 7.0f);
  p = std::fma(p, s2, 1.0f / 5.0f);
  p = std::fma(p, s2, 1.0f / 3.0f);
  p = std::fma(p, s2, 1.0f);
  float ln_m = 2.0f * s * p;
  return std::fma(static_cast<float>(e), 0.693147180559945f, ln_m);
}

// sin and cos of 2π·u for u in [0, 1): the quadrant from 4u, then Taylor polynomials on
// [-π/4, π/4] (errors below 2e-9).
LATENT_HOST_DEVICE void sincos_2pi(float u, float& sin_out, float& cos_out) {
  float q = std::floor(std::fma(u, 4.0f, 0.5f));  // nearest quarter turn, 0..4
  float r = std::fma(q, -0.25f, u);               // in [-1/8, 1/8] turns
  float x = r * 6.28318530717959f;
  float x2 = x * x;
  float s = std::fma(x2, 1.0f / 362880.0f, -1.0f / 5040.0f);
  s = std::fma(s, x2, 1.0f / 120.0f);
  s = std::fma(s, x2, -1.0f / 6.0f);
  s = std::fma(s * x2, x, x);
  float c = std::fma(x2, -1.0f / 3628800.0f, 1.0f / 40320.0f);
  c = std::fma(c, x2, -1.0f / 720.0f);
  c = std::fma(c, x2, 1.0f / 24.0f);
  c = std::fma(c, x2, -0.5f);
  c = std::fma(c, x2, 1.0f);
  switch (static_cast<int>(q) & 3) {
    case 0:
      sin_out = s, cos_out = c;
      break;
    case 1:
      sin_out = c, cos_out = -s;
      break;
    case 2:
      sin_out = -s, cos_out = -c;
      break;
    default:
      sin_out = -c, cos_out = s;
      break;
  }
}

// Uniform in [0, 1): element e is word e % 4 of block e / 4.
LATENT_HOST_DEVICE float uniform(uint32_t seed, uint32_t stream, uint64_t index, uint64_t e) {
  Words b = block(seed, stream, index, static_cast<uint32_t>(e >> 2), kUniform);
  return unit(b.w[e & 3]);
}

// Four standard normals from one block (Box-Muller on two pairs of words): elements 4k..4k+3.
LATENT_HOST_DEVICE void normal4(uint32_t seed, uint32_t stream, uint64_t index, uint32_t blk,
                                float out[4]) {
  Words b = block(seed, stream, index, blk, kNormal);
  for (int pair = 0; pair < 2; ++pair) {
    float radius = std::sqrt(-2.0f * log_unit(unit_open0(b.w[2 * pair])));
    float s, c;
    sincos_2pi(unit(b.w[2 * pair + 1]), s, c);
    out[2 * pair] = radius * c;
    out[2 * pair + 1] = radius * s;
  }
}

LATENT_HOST_DEVICE float normal(uint32_t seed, uint32_t stream, uint64_t index, uint64_t e) {
  float four[4];
  normal4(seed, stream, index, static_cast<uint32_t>(e >> 2), four);
  return four[e & 3];
}

// 64 random bits: element e is words 2(e % 2), 2(e % 2) + 1 of block e / 2.
LATENT_HOST_DEVICE uint64_t bits(uint32_t seed, uint32_t stream, uint64_t index, uint64_t e) {
  Words b = block(seed, stream, index, static_cast<uint32_t>(e >> 1), kBits);
  int w = static_cast<int>(e & 1) * 2;
  return (static_cast<uint64_t>(b.w[w]) << 32) | b.w[w + 1];
}

}  // namespace latent::philox
