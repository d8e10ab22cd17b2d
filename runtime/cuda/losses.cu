// Losses and penalties on the device: value summed in double (rows in order), gradient written
// in the same pass, the total left in the caller's pending slot (runtime/scalar.hpp).
#include <cmath>

#include "runtime/cuda/cuda_ops.hpp"
#include "runtime/cuda/device_allocator.hpp"
#include "runtime/cuda/reduce.cuh"

namespace latent::cuda {

void bce_with_logits(const Tensor& logits, const Tensor& target, Tensor* grad, float grad_scale,
                     Tensor* per_sample, double* total) {
  const float *z = logits.data(), *t = target.data();
  float* g = grad ? grad->data() : nullptr;
  // With e = e^-|z|: loss max(z,0) - z·t + ln(1+e), σ(z) = 1/(1+e) for z >= 0 and e/(1+e) below.
  return reduce_rows(
      logits.dim(0), logits.shape().per_sample(),
      [=] __device__(int64_t i) {
        const float zi = z[i], e = expf(-fabsf(zi)), inv = 1.0f / (1.0f + e);
        if (g) g[i] = grad_scale * ((zi >= 0 ? inv : e * inv) - t[i]);
        return static_cast<double>((zi > 0 ? zi : 0.0f) - zi * t[i] + log1pf(e));
      },
      per_sample ? per_sample->data() : nullptr, total);
}

void mse(const Tensor& pred, const Tensor& target, Tensor* grad, float grad_scale,
         Tensor* per_sample, double* total) {
  const float *p = pred.data(), *t = target.data();
  float* g = grad ? grad->data() : nullptr;
  return reduce_rows(
      pred.dim(0), pred.shape().per_sample(),
      [=] __device__(int64_t i) {
        const float d = p[i] - t[i];
        if (g) g[i] = grad_scale * 2.0f * d;
        return static_cast<double>(d) * d;
      },
      per_sample ? per_sample->data() : nullptr, total);
}

void gaussian_kl(const Tensor& mu, const Tensor& logvar, Tensor* dmu, Tensor* dlogvar,
                 float grad_scale, Tensor* per_sample, double* total) {
  const float *m = mu.data(), *lv = logvar.data();
  float* gm = dmu ? dmu->data() : nullptr;
  float* glv = dlogvar ? dlogvar->data() : nullptr;
  return reduce_rows(
      mu.dim(0), mu.shape().per_sample(),
      [=] __device__(int64_t i) {
        const float e = expf(lv[i]);
        if (gm) gm[i] = grad_scale * m[i];
        if (glv) glv[i] = grad_scale * 0.5f * (e - 1.0f);
        return -0.5 * (1.0 + lv[i] - static_cast<double>(m[i]) * m[i] - e);
      },
      per_sample ? per_sample->data() : nullptr, total);
}

void l1_penalty(const Tensor& a, float weight, Tensor* grad, float grad_scale, double* total) {
  const float* p = a.data();
  float* g = grad ? grad->data() : nullptr;
  reduce_sum(
      a.numel(),
      [=] __device__(int64_t i) {
        if (g) g[i] += grad_scale * weight * static_cast<float>((p[i] > 0) - (p[i] < 0));
        return static_cast<double>(fabsf(p[i]));
      },
      total, weight);
}

void bernoulli_kl_sparsity(const Tensor& a, float rho, float weight, Tensor* grad, float grad_scale,
                           const Tensor* batch_mean, double* total) {
  const int64_t rows = a.dim(0), cols = a.shape().per_sample();
  if (cols == 0) return write_zero_total(total);
  const float* p = a.data();
  const float* given = batch_mean ? batch_mean->data() : nullptr;
  // ρ̂ per column in double: the given global mean, or this batch's (one thread per column,
  // rows added in order, as the CPU does). Its own block: reduce_sum reuses the shared scratch.
  DeviceScratch means(cols * sizeof(double));
  double* mean = means.as<double>();
  for_each_index(
      cols,
      [=] __device__(int64_t j) {
        if (given) {
          mean[j] = given[j];
          return;
        }
        double s = 0;
        for (int64_t n = 0; n < rows; ++n) s += p[n * cols + j];
        mean[j] = s / static_cast<double>(rows);
      },
      "bernoulli_kl_mean");
  // ρ̂ is kept away from 0 and 1 so the logs stay finite.
  const double r0 = rho, lo = 1e-6, hi = 1.0 - 1e-6;
  if (grad) {
    float* g = grad->data();
    for_each_index(
        rows * cols,
        [=] __device__(int64_t i) {
          const double r = fmin(fmax(mean[i % cols], lo), hi);
          g[i] += static_cast<float>(weight * (-r0 / r + (1 - r0) / (1 - r)) * grad_scale);
        },
        "bernoulli_kl_grad");
  }
  reduce_sum(
      cols,
      [=] __device__(int64_t j) {
        const double r = fmin(fmax(mean[j], lo), hi);
        return r0 * log(r0 / r) + (1 - r0) * log((1 - r0) / (1 - r));
      },
      total, weight);
}

void hinge_loss(const Tensor& logits, float sign, Tensor* grad, float grad_scale, double* total) {
  const float* z = logits.data();
  float* g = grad ? grad->data() : nullptr;
  reduce_sum(
      logits.numel(),
      [=] __device__(int64_t i) {
        const float margin = 1.0f - sign * z[i];
        if (g) g[i] = margin > 0 ? -sign * grad_scale : 0.0f;
        return static_cast<double>(margin > 0 ? margin : 0.0f);
      },
      total);
}

void negated_sum_loss(const Tensor& logits, Tensor* grad, float grad_scale, double* total) {
  const float* z = logits.data();
  float* g = grad ? grad->data() : nullptr;
  reduce_sum(
      logits.numel(),
      [=] __device__(int64_t i) {
        if (g) g[i] = -grad_scale;
        return static_cast<double>(z[i]);
      },
      total, -1.0);
}

}  // namespace latent::cuda
