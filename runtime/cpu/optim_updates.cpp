// Optimizer updates: one pass over the flat parameter buffer.
#include <cmath>

#include "runtime/cpu/cpu_ops.hpp"

namespace latent::cpu {

void sgd_update(Tensor& params, const Tensor& grads, Tensor& velocity, float lr, float momentum,
                float weight_decay) {
  float *p = params.data(), *v = velocity.data();
  const float* g = grads.data();
  for (int64_t i = 0; i < params.numel(); ++i) {
    v[i] = momentum * v[i] + g[i] + weight_decay * p[i];
    p[i] -= lr * v[i];
  }
}

void adam_update(Tensor& params, const Tensor& grads, Tensor& m, Tensor& v, float lr, float beta1,
                 float beta2, float eps, float weight_decay, int64_t t) {
  float *p = params.data(), *pm = m.data(), *pv = v.data();
  const float* g = grads.data();
  float c1 = 1.0f - std::pow(beta1, static_cast<float>(t));
  float c2 = 1.0f - std::pow(beta2, static_cast<float>(t));
  for (int64_t i = 0; i < params.numel(); ++i) {
    float gi = g[i] + weight_decay * p[i];
    pm[i] = beta1 * pm[i] + (1.0f - beta1) * gi;
    pv[i] = beta2 * pv[i] + (1.0f - beta2) * gi * gi;
    p[i] -= lr * (pm[i] / c1) / (std::sqrt(pv[i] / c2) + eps);
  }
}

}  // namespace latent::cpu
