// Reference optimizer updates over flat buffers, in double (the backends' fused float arithmetic
// agrees to rounding).
#include <cmath>

#include "runtime/ref/ref_ops.hpp"

namespace latent::ref {

void sgd_update(Tensor& params, const Tensor& grads, Tensor& velocity, float lr, float momentum,
                float weight_decay) {
  for (int64_t i = 0; i < params.numel(); ++i) {
    const double p = params.data()[i], g = grads.data()[i] + static_cast<double>(weight_decay) * p;
    const double v = static_cast<double>(momentum) * velocity.data()[i] + g;
    velocity.data()[i] = static_cast<float>(v);
    params.data()[i] = static_cast<float>(p - lr * v);
  }
}

void adam_update(Tensor& params, const Tensor& grads, Tensor& m, Tensor& v, float lr, float beta1,
                 float beta2, float eps, float weight_decay, int64_t t) {
  const double c1 = 1.0 - std::pow(static_cast<double>(beta1), static_cast<double>(t));
  const double c2 = 1.0 - std::pow(static_cast<double>(beta2), static_cast<double>(t));
  for (int64_t i = 0; i < params.numel(); ++i) {
    const double p = params.data()[i], g = grads.data()[i] + static_cast<double>(weight_decay) * p;
    const double mi = beta1 * static_cast<double>(m.data()[i]) + (1.0 - beta1) * g;
    const double vi = beta2 * static_cast<double>(v.data()[i]) + (1.0 - beta2) * g * g;
    m.data()[i] = static_cast<float>(mi);
    v.data()[i] = static_cast<float>(vi);
    params.data()[i] = static_cast<float>(p - lr * (mi / c1) / (std::sqrt(vi / c2) + eps));
  }
}

}  // namespace latent::ref
