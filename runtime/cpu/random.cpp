// Random fills and input corruption: Philox4x32-10 per (row's global index, element block), the
// same formulas the CUDA kernels use (runtime/philox.hpp). Scaling is an explicit fma, as on
// the GPU, so both devices round alike. Elements are numbered in logical (C, H, W) order in
// any layout: a draw belongs to the element, not to where channels-last storage puts it.
#include <algorithm>
#include <cmath>
#include <vector>

#include "runtime/cpu/cpu_ops.hpp"
#include "runtime/cpu/parallel.hpp"
#include "runtime/draw_position.hpp"
#include "runtime/philox.hpp"
#include "runtime/vector_clones.hpp"

namespace latent::cpu {
namespace {

// Calls f(i, u) for every element i of t[N, ...] with its uniform draw u, a block at a time.
// Rows in parallel from a few hundred elements (a draw costs ~10-20 ns: Philox's rounds, and
// for normals a log and a sincos; a VAE's 128×20 ε on one thread kept the other waiting): each
// element's draw depends on its position only, so the split changes nothing.
template <class F>
void for_each_row(const Tensor& t, F f) {
  const int64_t rows = t.dim(0), cols = t.shape().per_sample();
  parallel_pieces(
      rows,
      [&](int64_t first, int64_t last) {
        for (int64_t n = first; n < last; ++n) f(n, cols);
      },
      std::max<int64_t>(1, 512 / std::max<int64_t>(cols, 1)));
}

template <class F>
void for_each_uniform(const Tensor& t, ops::RandomKey key, uint64_t first_index, F f) {
  const DrawPosition at(t);
  for_each_row(t, [&](int64_t n, int64_t cols) {
    for (int64_t j = 0; j < cols; j += 4) {
      philox::Words b = philox::block(key.seed, key.stream, first_index + n,
                                      static_cast<uint32_t>(j >> 2), philox::kUniform);
      for (int64_t k = j; k < std::min(cols, j + 4); ++k) f(at(n, k), philox::unit(b.w[k - j]));
    }
  });
}

// Row `index`'s first `cols` normals (rounded up to a whole block of 4) into z. Built per
// instruction set: the default build has no FMA instruction, and Box-Muller's ~20 fmas a pair
// were calls into libm; fma is exact either way, so the bits are the same.
LATENT_VECTOR_CLONES void normal_row(uint32_t seed, uint32_t stream, uint64_t index, int64_t cols,
                                     float* z) {
  for (int64_t j = 0; j < cols; j += 4)
    philox::normal4(seed, stream, index, static_cast<uint32_t>(j >> 2), z + j);
}

template <class F>
void for_each_normal(const Tensor& t, ops::RandomKey key, uint64_t first_index, F f) {
  const DrawPosition at(t);
  for_each_row(t, [&](int64_t n, int64_t cols) {
    thread_local std::vector<float> z;
    z.resize(static_cast<size_t>((cols + 3) / 4 * 4));
    normal_row(key.seed, key.stream, first_index + n, cols, z.data());
    for (int64_t k = 0; k < cols; ++k) f(at(n, k), z[k]);
  });
}

}  // namespace

void random_uniform(Tensor& t, ops::RandomKey key, uint64_t first_index, float lo, float hi) {
  float* p = t.data();
  const float width = hi - lo;
  for_each_uniform(t, key, first_index, [&](int64_t i, float u) { p[i] = std::fma(width, u, lo); });
}

void random_normal(Tensor& t, ops::RandomKey key, uint64_t first_index, float mean, float stddev) {
  float* p = t.data();
  for_each_normal(t, key, first_index,
                  [&](int64_t i, float z) { p[i] = std::fma(stddev, z, mean); });
}

void dropout_mask(Tensor& mask, ops::RandomKey key, uint64_t first_index, float p) {
  float* m = mask.data();
  const float keep = 1.0f / (1.0f - p);
  for_each_uniform(mask, key, first_index, [&](int64_t i, float u) { m[i] = u < p ? 0.0f : keep; });
}

void corrupt(ops::Noise kind, float level, ops::RandomKey key, const Tensor& x, Tensor& y,
             uint64_t first_index) {
  const float* px = x.data();
  float* py = y.data();
  switch (kind) {
    case ops::Noise::kNone:
      if (px != py) std::copy_n(px, x.numel(), py);
      break;
    case ops::Noise::kGaussian:
      for_each_normal(x, key, first_index,
                      [&](int64_t i, float z) { py[i] = std::fma(level, z, px[i]); });
      break;
    case ops::Noise::kMasking:
      for_each_uniform(x, key, first_index,
                       [&](int64_t i, float u) { py[i] = u < level ? 0.0f : px[i]; });
      break;
    case ops::Noise::kSaltPepper:
      for_each_uniform(x, key, first_index, [&](int64_t i, float u) {
        py[i] = u < level ? (u < 0.5f * level ? 0.0f : 1.0f) : px[i];
      });
      break;
  }
}

}  // namespace latent::cpu
