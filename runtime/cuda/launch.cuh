#pragma once
// Launch helpers of the backend's kernels: a grid for n elements, and the check after a launch.
#include <cstdint>

#include "runtime/cuda/cuda_check.hpp"
#include "runtime/cuda/cuda_context.hpp"

namespace latent::cuda {

constexpr int kThreads = 256;

inline unsigned blocks_for(int64_t n) {
  const int64_t b = (n + kThreads - 1) / kThreads;
  return static_cast<unsigned>(b < 65535 * 32 ? (b < 1 ? 1 : b) : 65535 * 32);
}

inline cudaStream_t stream() {
  return context().stream;
}

inline void check_launch(const char* kernel) {
  check(cudaGetLastError(), kernel);
}

// Grid-stride loop over [0, n): correct for any grid size.
#define LATENT_FOR_EACH(i, n)                                                            \
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < (n); \
       i += static_cast<int64_t>(gridDim.x) * blockDim.x)

template <class F>
__global__ void for_each_kernel(int64_t n, F f) {
  LATENT_FOR_EACH(i, n) f(i);
}

// f(i) for every i in [0, n), one thread each.
template <class F>
void for_each_index(int64_t n, F f, const char* name) {
  if (n == 0) return;
  for_each_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(n, f);
  check_launch(name);
}

}  // namespace latent::cuda
