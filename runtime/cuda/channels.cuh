#pragma once
// Per-channel access to [N,C] and [N,C,H,W] tensors in either layout (Tensor::channels_last),
// and a per-channel sum in double: one block per channel, the same order every run (no atomics).
#include <cstdint>

#include "runtime/cuda/launch.cuh"
#include "runtime/tensor.hpp"

namespace latent::cuda {

struct ChannelLayout {
  int64_t channels = 1, plane = 1, count = 0;  // count: N·H·W elements per channel
  bool last = false;                           // memory [N,H,W,C]

  // Memory offset of the p-th element (p in [0, count), n-major) of channel ch.
  __host__ __device__ int64_t at(int64_t ch, int64_t p) const {
    return last ? p * channels + ch : ((p / plane) * channels + ch) * plane + p % plane;
  }
  // The channel of the element at memory offset i.
  __host__ __device__ int64_t channel_of(int64_t i) const {
    return last ? i % channels : (i / plane) % channels;
  }
};

inline ChannelLayout channel_layout(const Tensor& x) {
  ChannelLayout l;
  l.channels = x.dim(1);
  const int64_t rows = x.dim(0) * x.dim(1);
  l.plane = rows > 0 ? x.numel() / rows : 1;  // an empty batch has no elements, and no planes
  l.count = x.dim(0) * l.plane;
  l.last = x.channels_last();
  return l;
}

template <class Term, class Out>
__global__ void channel_sums_kernel(ChannelLayout l, Term term, Out out) {
  __shared__ double share[kThreads];
  for (int64_t ch = blockIdx.x; ch < l.channels; ch += gridDim.x) {
    double acc = 0;
    for (int64_t p = threadIdx.x; p < l.count; p += blockDim.x) acc += term(ch, l.at(ch, p));
    share[threadIdx.x] = acc;
    __syncthreads();
    for (int half = blockDim.x / 2; half > 0; half /= 2) {
      if (threadIdx.x < half) share[threadIdx.x] += share[threadIdx.x + half];
      __syncthreads();
    }
    if (threadIdx.x == 0) out(ch, share[0]);
    __syncthreads();
  }
}

// out(ch, Σ_p term(ch, memory offset of element p of ch)) for every channel.
template <class Term, class Out>
void for_each_channel_sum(const ChannelLayout& l, Term term, Out out, const char* name) {
  if (l.channels == 0) return;
  const unsigned grid = static_cast<unsigned>(l.channels < 65535 ? l.channels : 65535);
  channel_sums_kernel<<<grid, kThreads, 0, stream()>>>(l, term, out);
  check_launch(name);
}

}  // namespace latent::cuda
