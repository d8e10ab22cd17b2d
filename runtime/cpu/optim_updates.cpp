// Optimizer updates: one pass over the flat parameter buffer. The buffers never alias, and
// saying so (restrict) lets the compiler vectorise the loop: the update is a quarter of a small
// VAE's step when it runs scalar.
//
// Every element is computed by the same operations whether it falls in the vector body or the
// scalar remainder: explicit fmas, and no other contraction (CMakeLists.txt builds this file
// with -ffp-contract=off). Otherwise the result depended on where a rank's shard of the buffer
// began (the remainder rounded differently), so sharded and node-shared updates differed from
// one rank's in the last bit; a GPU kernel can reproduce these operations exactly.
#include <cmath>

#include "runtime/cpu/cpu_ops.hpp"
#include "runtime/cpu/parallel.hpp"
#include "runtime/vector_clones.hpp"

namespace latent::cpu {

namespace {

LATENT_VECTOR_CLONES void sgd_loop(float* __restrict p, float* __restrict v,
                                   const float* __restrict g, int64_t n, float lr, float momentum,
                                   float weight_decay) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) {
    v[i] = std::fma(momentum, v[i], std::fma(weight_decay, p[i], g[i]));
    p[i] = std::fma(-lr, v[i], p[i]);
  }
}

// The sqrt and the division dominate: 16 lanes at a time where the CPU has them.
LATENT_VECTOR_CLONES void adam_loop(float* __restrict p, float* __restrict pm, float* __restrict pv,
                                    const float* __restrict g, int64_t n, float beta1, float beta2,
                                    float eps, float weight_decay, float step, float inv_c2) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) {
    const float gi = std::fma(weight_decay, p[i], g[i]);
    pm[i] = std::fma(beta1, pm[i], (1.0f - beta1) * gi);
    pv[i] = std::fma(beta2, pv[i], ((1.0f - beta2) * gi) * gi);
    p[i] = std::fma(-step, pm[i] / (std::sqrt(pv[i] * inv_c2) + eps), p[i]);
  }
}

}  // namespace

void sgd_update(Tensor& params, const Tensor& grads, Tensor& velocity, float lr, float momentum,
                float weight_decay) {
  float *p = params.data(), *v = velocity.data();
  const float* g = grads.data();
  parallel_pieces(params.numel(), [&](int64_t a, int64_t b) {
    sgd_loop(p + a, v + a, g + a, b - a, lr, momentum, weight_decay);
  });
}

void adam_update(Tensor& params, const Tensor& grads, Tensor& m, Tensor& v, float lr, float beta1,
                 float beta2, float eps, float weight_decay, int64_t t) {
  // p -= lr · (m / c1) / (√(v / c2) + eps), with the bias corrections folded into constants.
  const float step = lr / (1.0f - std::pow(beta1, static_cast<float>(t)));
  const float inv_c2 = 1.0f / (1.0f - std::pow(beta2, static_cast<float>(t)));
  float *p = params.data(), *pm = m.data(), *pv = v.data();
  const float* g = grads.data();
  parallel_pieces(params.numel(), [&](int64_t a, int64_t b) {
    adam_loop(p + a, pm + a, pv + a, g + a, b - a, beta1, beta2, eps, weight_decay, step, inv_c2);
  });
}

}  // namespace latent::cpu
