#include "layers/losses.hpp"

#include "runtime/ops.hpp"

namespace latent {

Scalar MseLoss::forward(const Tensor& pred, const Tensor& target, float grad_scale,
                        Tensor* per_sample) {
  grad_.resize(pred.shape(), pred.device());
  return ops::mse(pred, target, &grad_, grad_scale, per_sample);
}

Scalar BceWithLogitsLoss::forward(const Tensor& logits, const Tensor& target, float grad_scale,
                                  Tensor* per_sample) {
  grad_.resize(logits.shape(), logits.device());
  return ops::bce_with_logits(logits, target, &grad_, grad_scale, per_sample);
}

Scalar SoftmaxCrossEntropyLoss::forward(const Tensor& logits, const Tensor& labels,
                                        float grad_scale, Tensor* per_sample) {
  grad_.resize(logits.shape(), logits.device());
  return ops::softmax_cross_entropy(logits, labels, &grad_, grad_scale, per_sample);
}

Scalar GaussianKl::forward(const Tensor& mu, const Tensor& logvar, float grad_scale,
                           Tensor* per_sample) {
  dmu_.resize(mu.shape(), mu.device());
  dlogvar_.resize(logvar.shape(), logvar.device());
  return ops::gaussian_kl(mu, logvar, &dmu_, &dlogvar_, grad_scale, per_sample);
}

Scalar l1_activation_penalty(const Tensor& a, float lambda, Tensor& grad, float grad_scale) {
  return ops::l1_penalty(a, lambda, &grad, grad_scale);
}

Scalar kl_sparsity_penalty(const Tensor& a, float rho, float weight, Tensor& grad, float grad_scale,
                           const Tensor* global_mean) {
  return ops::bernoulli_kl_sparsity(a, rho, weight, &grad, grad_scale, global_mean);
}

}  // namespace latent
