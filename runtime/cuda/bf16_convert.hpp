#pragma once
// float32 ↔ bfloat16 on the GPU for cuDNN's bf16 convolutions, whose tensors must be bf16 (the
// legacy API has no bf16-in, fp32-out configuration). Both run on the context's stream.
#include <cstdint>

namespace latent::cuda {

// dst[i] = src[i] rounded to the nearest bf16 (ties to even); dst holds n 2-byte values.
void round_to_bf16(const float* src, void* dst, int64_t n);
// dst[i] = beta · dst[i] + src[i] widened to float (exact); beta 0 overwrites.
void widen_from_bf16(const void* src, float* dst, int64_t n, float beta);

}  // namespace latent::cuda
