#include <cuda_bf16.h>

#include "runtime/cuda/bf16_convert.hpp"
#include "runtime/cuda/launch.cuh"

namespace latent::cuda {

void round_to_bf16(const float* src, void* dst, int64_t n) {
  auto* out = static_cast<__nv_bfloat16*>(dst);
  for_each_index(
      n, [=] __device__(int64_t i) { out[i] = __float2bfloat16_rn(src[i]); }, "round_to_bf16");
}

void widen_from_bf16(const void* src, float* dst, int64_t n, float beta) {
  const auto* in = static_cast<const __nv_bfloat16*>(src);
  for_each_index(
      n,
      [=] __device__(int64_t i) {
        const float v = __bfloat162float(in[i]);
        dst[i] = beta == 0.0f ? v : beta * dst[i] + v;
      },
      "widen_from_bf16");
}

}  // namespace latent::cuda
