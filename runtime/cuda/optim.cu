// Optimizer updates over the flat parameter buffer: the CPU's operations exactly (explicit fmas,
// IEEE division and square root, no contraction: CMakeLists.txt builds this file with
// -fmad=false), so a GPU step writes the CPU's bits.
#include <cmath>

#include "runtime/cuda/cuda_ops.hpp"
#include "runtime/cuda/launch.cuh"

namespace latent::cuda {
namespace {

__global__ void sgd_kernel(float* p, float* v, const float* g, int64_t n, float lr, float momentum,
                           float weight_decay) {
  LATENT_FOR_EACH(i, n) {
    v[i] = fmaf(momentum, v[i], fmaf(weight_decay, p[i], g[i]));
    p[i] = fmaf(-lr, v[i], p[i]);
  }
}

__global__ void adam_kernel(float* p, float* pm, float* pv, const float* g, int64_t n, float beta1,
                            float beta2, float eps, float weight_decay, float step, float inv_c2) {
  LATENT_FOR_EACH(i, n) {
    const float gi = fmaf(weight_decay, p[i], g[i]);
    pm[i] = fmaf(beta1, pm[i], (1.0f - beta1) * gi);
    pv[i] = fmaf(beta2, pv[i], ((1.0f - beta2) * gi) * gi);
    p[i] = fmaf(-step, __fdiv_rn(pm[i], __fadd_rn(__fsqrt_rn(pv[i] * inv_c2), eps)), p[i]);
  }
}

}  // namespace

void sgd_update(Tensor& params, const Tensor& grads, Tensor& velocity, float lr, float momentum,
                float weight_decay) {
  const int64_t n = params.numel();
  if (n == 0) return;
  sgd_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(params.data(), velocity.data(), grads.data(),
                                                       n, lr, momentum, weight_decay);
  check_launch("sgd_kernel");
}

void adam_update(Tensor& params, const Tensor& grads, Tensor& m, Tensor& v, float lr, float beta1,
                 float beta2, float eps, float weight_decay, int64_t t) {
  const int64_t n = params.numel();
  if (n == 0) return;
  // The bias corrections on the host, as the CPU computes them.
  const float step = lr / (1.0f - std::pow(beta1, static_cast<float>(t)));
  const float inv_c2 = 1.0f / (1.0f - std::pow(beta2, static_cast<float>(t)));
  adam_kernel<<<blocks_for(n), kThreads, 0, stream()>>>(params.data(), m.data(), v.data(),
                                                        grads.data(), n, beta1, beta2, eps,
                                                        weight_decay, step, inv_c2);
  check_launch("adam_kernel");
}

}  // namespace latent::cuda
