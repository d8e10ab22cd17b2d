// Optimizer updates: one pass over the flat parameter buffer. The buffers never alias, and
// saying so (restrict) lets the compiler vectorise the loop: the update is a quarter of a small
// VAE's step when it runs scalar.
#include <cmath>

#include "runtime/cpu/cpu_ops.hpp"

namespace latent::cpu {

void sgd_update(Tensor& params, const Tensor& grads, Tensor& velocity, float lr, float momentum,
                float weight_decay) {
  float* __restrict p = params.data();
  float* __restrict v = velocity.data();
  const float* __restrict g = grads.data();
  const int64_t n = params.numel();
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) {
    v[i] = momentum * v[i] + g[i] + weight_decay * p[i];
    p[i] -= lr * v[i];
  }
}

void adam_update(Tensor& params, const Tensor& grads, Tensor& m, Tensor& v, float lr, float beta1,
                 float beta2, float eps, float weight_decay, int64_t t) {
  float* __restrict p = params.data();
  float* __restrict pm = m.data();
  float* __restrict pv = v.data();
  const float* __restrict g = grads.data();
  const int64_t n = params.numel();
  // p -= lr · (m / c1) / (√(v / c2) + eps), with the bias corrections folded into constants.
  const float step = lr / (1.0f - std::pow(beta1, static_cast<float>(t)));
  const float inv_c2 = 1.0f / (1.0f - std::pow(beta2, static_cast<float>(t)));
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) {
    float gi = g[i] + weight_decay * p[i];
    pm[i] = beta1 * pm[i] + (1.0f - beta1) * gi;
    pv[i] = beta2 * pv[i] + (1.0f - beta2) * gi * gi;
    p[i] -= step * pm[i] / (std::sqrt(pv[i] * inv_c2) + eps);
  }
}

}  // namespace latent::cpu
