#pragma once
// Optimizer update kernels over flat buffers (one loop per step; see optimizer.hpp).
#include <cstdint>

#include "runtime/tensor.hpp"

namespace latent::ops {

// v = momentum·v + (g + wd·p);  p -= lr·v
void sgd_update(Tensor& params, const Tensor& grads, Tensor& velocity, float lr, float momentum,
                float weight_decay);
// g' = g + wd·p; m = β1·m + (1-β1)·g'; v = β2·v + (1-β2)·g'²;
// p -= lr · (m / (1-β1^t)) / (sqrt(v / (1-β2^t)) + eps)
void adam_update(Tensor& params, const Tensor& grads, Tensor& m, Tensor& v, float lr, float beta1,
                 float beta2, float eps, float weight_decay, int64_t t);

}  // namespace latent::ops
