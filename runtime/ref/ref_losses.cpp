// Reference losses and penalties: each a sum of per-element terms, written per sample.
#include <algorithm>
#include <cmath>

#include "runtime/ref/ref_ops.hpp"

namespace latent::ref {
namespace {

// Σ over rows n of Σ_j term(i) for the elements i of row n (memory order); each row's sum goes to
// per_sample when given.
template <class Term>
double summed_per_sample(const Tensor& x, Tensor* per_sample, Term term) {
  const int64_t rows = x.dim(0), cols = x.shape().per_sample();
  double total = 0;
  for (int64_t n = 0; n < rows; ++n) {
    double row = 0;
    for (int64_t i = n * cols; i < (n + 1) * cols; ++i) row += term(i);
    if (per_sample) per_sample->data()[n] = static_cast<float>(row);
    total += row;
  }
  return total;
}

double sigmoid(double z) {
  return 1.0 / (1.0 + std::exp(-z));
}

}  // namespace

double bce_with_logits(const Tensor& logits, const Tensor& target, Tensor* grad, float grad_scale,
                       Tensor* per_sample) {
  return summed_per_sample(logits, per_sample, [&](int64_t i) {
    const double z = logits.data()[i], t = target.data()[i];
    if (grad) grad->data()[i] = static_cast<float>(grad_scale * (sigmoid(z) - t));
    return std::max(z, 0.0) - z * t + std::log1p(std::exp(-std::abs(z)));
  });
}

double mse(const Tensor& pred, const Tensor& target, Tensor* grad, float grad_scale,
           Tensor* per_sample) {
  return summed_per_sample(pred, per_sample, [&](int64_t i) {
    const double d = static_cast<double>(pred.data()[i]) - target.data()[i];
    if (grad) grad->data()[i] = static_cast<float>(grad_scale * 2.0 * d);
    return d * d;
  });
}

double gaussian_kl(const Tensor& mu, const Tensor& logvar, Tensor* dmu, Tensor* dlogvar,
                   float grad_scale, Tensor* per_sample) {
  return summed_per_sample(mu, per_sample, [&](int64_t i) {
    const double m = mu.data()[i], lv = logvar.data()[i];
    if (dmu) dmu->data()[i] = static_cast<float>(grad_scale * m);
    if (dlogvar) dlogvar->data()[i] = static_cast<float>(grad_scale * 0.5 * (std::exp(lv) - 1.0));
    return -0.5 * (1.0 + lv - m * m - std::exp(lv));
  });
}

double l1_penalty(const Tensor& a, float weight, Tensor* grad, float grad_scale) {
  double s = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    const double v = a.data()[i];
    s += std::abs(v);
    const double sign = v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0);
    if (grad) grad->data()[i] += static_cast<float>(grad_scale * weight * sign);
  }
  return weight * s;
}

double bernoulli_kl_sparsity(const Tensor& a, float rho, float weight, Tensor* grad,
                             float grad_scale, const Tensor* batch_mean) {
  const int64_t rows = a.dim(0), cols = a.shape().per_sample();
  double penalty = 0;
  for (int64_t j = 0; j < cols; ++j) {
    double r = 0;  // ρ̂_j
    if (batch_mean) {
      r = batch_mean->data()[j];
    } else {
      for (int64_t n = 0; n < rows; ++n) r += a.data()[n * cols + j];
      r /= static_cast<double>(rows);
    }
    penalty += rho * std::log(rho / r) + (1.0 - rho) * std::log((1.0 - rho) / (1.0 - r));
    // Every a[n, j] moves ρ̂_j by grad_scale (= 1 / global batch).
    const double d = weight * (-rho / r + (1.0 - rho) / (1.0 - r)) * grad_scale;
    if (grad)
      for (int64_t n = 0; n < rows; ++n) grad->data()[n * cols + j] += static_cast<float>(d);
  }
  return weight * penalty;
}

double hinge_loss(const Tensor& logits, float sign, Tensor* grad, float grad_scale) {
  double s = 0;
  for (int64_t i = 0; i < logits.numel(); ++i) {
    const double margin = 1.0 - static_cast<double>(sign) * logits.data()[i];
    s += std::max(margin, 0.0);
    if (grad) grad->data()[i] = margin > 0 ? -sign * grad_scale : 0.0f;
  }
  return s;
}

double negated_sum_loss(const Tensor& logits, Tensor* grad, float grad_scale) {
  double s = 0;
  for (int64_t i = 0; i < logits.numel(); ++i) {
    s -= logits.data()[i];
    if (grad) grad->data()[i] = -grad_scale;
  }
  return s;
}

}  // namespace latent::ref
