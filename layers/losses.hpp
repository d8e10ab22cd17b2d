#pragma once
// Losses and penalties, each with its value and its gradient. Values are summed over the batch
// (and over a sample's elements); gradients are scaled by grad_scale, which the caller sets to
// 1 / global batch so the loss reported is per sample and N ranks train like one.
//
// Losses own their gradient tensor (reused across steps); penalties ADD into a gradient that
// already flows into the activations they regularise.
#include "runtime/scalar.hpp"
#include "runtime/tensor.hpp"

namespace latent {

// Reconstruction / discriminator losses: value(pred, target) and d value / d pred.
class Loss {
 public:
  virtual ~Loss() = default;
  // Returns Σ loss; fills grad() and, when given, per_sample [N].
  virtual Scalar forward(const Tensor& pred, const Tensor& target, float grad_scale,
                         Tensor* per_sample = nullptr) = 0;
  const Tensor& grad() const { return grad_; }

 protected:
  Tensor grad_;
};

// Σ (p - t)²
class MseLoss : public Loss {
 public:
  Scalar forward(const Tensor& pred, const Tensor& target, float grad_scale,
                 Tensor* per_sample = nullptr) override;
};

// Binary cross-entropy on logits, numerically stable for any logit; targets in [0, 1].
class BceWithLogitsLoss : public Loss {
 public:
  Scalar forward(const Tensor& logits, const Tensor& target, float grad_scale,
                 Tensor* per_sample = nullptr) override;
};

// Softmax cross-entropy on logits [N, C]; the target holds each row's class index [N] (as
// floats). Stable for any logit.
class SoftmaxCrossEntropyLoss : public Loss {
 public:
  Scalar forward(const Tensor& logits, const Tensor& labels, float grad_scale,
                 Tensor* per_sample = nullptr) override;
};

// KL(N(μ, σ²) ‖ N(0, 1)) = Σ -½(1 + log σ² - μ² - σ²), from μ and log σ².
class GaussianKl {
 public:
  Scalar forward(const Tensor& mu, const Tensor& logvar, float grad_scale,
                 Tensor* per_sample = nullptr);
  const Tensor& grad_mu() const { return dmu_; }
  const Tensor& grad_logvar() const { return dlogvar_; }

 private:
  Tensor dmu_, dlogvar_;
};

// λ Σ |a|; adds λ·sign(a)·grad_scale into `grad`.
Scalar l1_activation_penalty(const Tensor& a, float lambda, Tensor& grad, float grad_scale);

// w · Σ_j ρ log(ρ/ρ̂_j) + (1-ρ) log((1-ρ)/(1-ρ̂_j)), ρ̂ the batch mean of each code unit (or the
// given global mean); adds its gradient into `grad`.
Scalar kl_sparsity_penalty(const Tensor& a, float rho, float weight, Tensor& grad, float grad_scale,
                           const Tensor* global_mean = nullptr);

}  // namespace latent
