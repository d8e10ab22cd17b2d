#pragma once
// Sums in double on the device, in the same order every run (no atomics): a fixed grid of
// blocks each sums a strided share, then one thread adds the blocks' partials in order.
#include <cstdint>

#include "runtime/cuda/device_allocator.hpp"
#include "runtime/cuda/launch.cuh"

namespace latent::cuda {

constexpr int kReduceBlocks = 256;

template <class Term>
__global__ void block_partial_sums(int64_t n, Term term, double* partials) {
  __shared__ double share[kThreads];
  double acc = 0;
  LATENT_FOR_EACH(i, n) acc += term(i);
  share[threadIdx.x] = acc;
  __syncthreads();
  for (int half = blockDim.x / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) share[threadIdx.x] += share[threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x == 0) partials[blockIdx.x] = share[0];
}

// One block per row: row_sums[n] = Σ_j term(n·cols + j), and per_sample[n] as a float when given.
template <class Term>
__global__ void row_sums_kernel(int64_t rows, int64_t cols, Term term, double* row_sums,
                                float* per_sample) {
  __shared__ double share[kThreads];
  for (int64_t n = blockIdx.x; n < rows; n += gridDim.x) {
    double acc = 0;
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) acc += term(n * cols + j);
    share[threadIdx.x] = acc;
    __syncthreads();
    for (int half = blockDim.x / 2; half > 0; half /= 2) {
      if (threadIdx.x < half) share[threadIdx.x] += share[threadIdx.x + half];
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      row_sums[n] = share[0];
      if (per_sample) per_sample[n] = static_cast<float>(share[0]);
    }
    __syncthreads();
  }
}

// *out = scale · Σ parts, added in order (scale 1 or -1 leaves the sum's bits as they are).
__global__ inline void ordered_total(const double* parts, int64_t count, double scale,
                                     double* out) {
  double total = 0;
  for (int64_t i = 0; i < count; ++i) total += parts[i];
  *out = scale * total;
}

// Device scratch of at least `count` doubles, kept between calls (grown when asked for more).
double* scratch_doubles(int64_t count);
// *total = 0 on the stream (an empty op's total).
void write_zero_total(double* total);

// *total = scale · Σ term(i) over [0, n), queued on the stream: the caller's pending slot
// (runtime/scalar.hpp) is read with the step's other values, not here.
template <class Term>
void reduce_sum(int64_t n, Term term, double* total, double scale = 1.0) {
  double* parts = scratch_doubles(kReduceBlocks);
  block_partial_sums<<<kReduceBlocks, kThreads, 0, stream()>>>(n, term, parts);
  check_launch("block_partial_sums");
  ordered_total<<<1, 1, 0, stream()>>>(parts, kReduceBlocks, scale, total);
  check_launch("ordered_total");
}

// *total = Σ over rows of Σ over the row's elements, rows added in order; per_sample[n] when
// given. Queued, as reduce_sum.
template <class Term>
void reduce_rows(int64_t rows, int64_t cols, Term term, float* per_sample, double* total) {
  double* sums = scratch_doubles(rows < 1 ? 1 : rows);
  const unsigned grid = static_cast<unsigned>(rows < 65535 ? (rows < 1 ? 1 : rows) : 65535);
  row_sums_kernel<<<grid, kThreads, 0, stream()>>>(rows, cols, term, sums, per_sample);
  check_launch("row_sums_kernel");
  ordered_total<<<1, 1, 0, stream()>>>(sums, rows, 1.0, total);
  check_launch("ordered_total");
}

}  // namespace latent::cuda
