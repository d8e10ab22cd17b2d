// Random fills and input corruption on the device: the CPU's Philox draws (runtime/philox.hpp),
// logical element j of row n (runtime/draw_position.hpp) from block j / 4 of counter
// (first_index + n), scaled by the same explicit fmas, so both devices write the same bits.
#include "runtime/cuda/cuda_ops.hpp"
#include "runtime/cuda/launch.cuh"
#include "runtime/draw_position.hpp"
#include "runtime/philox.hpp"

namespace latent::cuda {
namespace {

// One thread per block of four elements of a row: f(i, word or normal draw) for each.
template <class F>
__global__ void uniform_blocks(int64_t rows, int64_t cols, DrawPosition at, ops::RandomKey key,
                               uint64_t first_index, F f) {
  const int64_t per_row = (cols + 3) / 4;
  LATENT_FOR_EACH(b, rows * per_row) {
    const int64_t n = b / per_row, j = (b % per_row) * 4;
    const philox::Words w = philox::block(key.seed, key.stream, first_index + n,
                                          static_cast<uint32_t>(j >> 2), philox::kUniform);
    for (int64_t k = j; k < j + 4 && k < cols; ++k) f(at(n, k), philox::unit(w.w[k - j]));
  }
}

template <class F>
__global__ void normal_blocks(int64_t rows, int64_t cols, DrawPosition at, ops::RandomKey key,
                              uint64_t first_index, F f) {
  const int64_t per_row = (cols + 3) / 4;
  LATENT_FOR_EACH(b, rows * per_row) {
    const int64_t n = b / per_row, j = (b % per_row) * 4;
    float z[4];
    philox::normal4(key.seed, key.stream, first_index + n, static_cast<uint32_t>(j >> 2), z);
    for (int64_t k = j; k < j + 4 && k < cols; ++k) f(at(n, k), z[k - j]);
  }
}

template <class F>
void each_uniform(const Tensor& t, ops::RandomKey key, uint64_t first_index, F f) {
  const int64_t rows = t.dim(0), cols = t.shape().per_sample();
  if (rows * cols == 0) return;
  uniform_blocks<<<blocks_for(rows * ((cols + 3) / 4)), kThreads, 0, stream()>>>(
      rows, cols, DrawPosition(t), key, first_index, f);
  check_launch("uniform_blocks");
}

template <class F>
void each_normal(const Tensor& t, ops::RandomKey key, uint64_t first_index, F f) {
  const int64_t rows = t.dim(0), cols = t.shape().per_sample();
  if (rows * cols == 0) return;
  normal_blocks<<<blocks_for(rows * ((cols + 3) / 4)), kThreads, 0, stream()>>>(
      rows, cols, DrawPosition(t), key, first_index, f);
  check_launch("normal_blocks");
}

}  // namespace

void random_uniform(Tensor& t, ops::RandomKey key, uint64_t first_index, float lo, float hi) {
  float* p = t.data();
  const float width = hi - lo;
  each_uniform(t, key, first_index,
               [=] __device__(int64_t i, float u) { p[i] = fmaf(width, u, lo); });
}

void random_normal(Tensor& t, ops::RandomKey key, uint64_t first_index, float mean, float stddev) {
  float* p = t.data();
  each_normal(t, key, first_index,
              [=] __device__(int64_t i, float z) { p[i] = fmaf(stddev, z, mean); });
}

void dropout_mask(Tensor& mask, ops::RandomKey key, uint64_t first_index, float p) {
  float* m = mask.data();
  const float keep = 1.0f / (1.0f - p);
  each_uniform(mask, key, first_index,
               [=] __device__(int64_t i, float u) { m[i] = u < p ? 0.0f : keep; });
}

void corrupt(ops::Noise kind, float level, ops::RandomKey key, const Tensor& x, Tensor& y,
             uint64_t first_index) {
  const float* px = x.data();
  float* py = y.data();
  switch (kind) {
    case ops::Noise::kNone:
      copy(x, y);
      break;
    case ops::Noise::kGaussian:
      each_normal(x, key, first_index,
                  [=] __device__(int64_t i, float z) { py[i] = fmaf(level, z, px[i]); });
      break;
    case ops::Noise::kMasking:
      each_uniform(x, key, first_index,
                   [=] __device__(int64_t i, float u) { py[i] = u < level ? 0.0f : px[i]; });
      break;
    case ops::Noise::kSaltPepper:
      each_uniform(x, key, first_index, [=] __device__(int64_t i, float u) {
        py[i] = u < level ? (u < 0.5f * level ? 0.0f : 1.0f) : px[i];
      });
      break;
  }
}

}  // namespace latent::cuda
