// Losses and penalties: value summed over the batch, gradient scaled by grad_scale.
#include <algorithm>
#include <cmath>
#include <vector>

#include "runtime/cpu/cpu_ops.hpp"
#include "runtime/cpu/fast_math.hpp"
#include "runtime/cpu/parallel.hpp"
#include "runtime/vector_clones.hpp"

namespace latent::cpu {
namespace {

// Σ_j max(z,0) - z·t + ln(1 + e^-|z|) over one sample, and (with g) its gradient
// scale·(σ(z) - t). One exponential serves both: with e = e^-|z|, σ(z) = 1/(1+e) for z >= 0
// and e/(1+e) below.
LATENT_VECTOR_CLONES double bce_row(const float* __restrict z, const float* __restrict t,
                                    float* __restrict g, int64_t n, float scale) {
  double s = 0;
#pragma omp simd reduction(+ : s)
  for (int64_t j = 0; j < n; ++j) {
    const float zj = z[j], e = exp_nonpositive(-__builtin_fabsf(zj)), inv = 1.0f / (1.0f + e);
    g[j] = scale * ((zj >= 0 ? inv : e * inv) - t[j]);
    s += static_cast<double>((zj > 0 ? zj : 0.0f) - zj * t[j] + log1p_unit(e));
  }
  return s;
}
LATENT_VECTOR_CLONES double bce_row_value(const float* __restrict z, const float* __restrict t,
                                          int64_t n) {
  double s = 0;
#pragma omp simd reduction(+ : s)
  for (int64_t j = 0; j < n; ++j) {
    const float zj = z[j], e = exp_nonpositive(-__builtin_fabsf(zj));
    s += static_cast<double>((zj > 0 ? zj : 0.0f) - zj * t[j] + log1p_unit(e));
  }
  return s;
}

// Calls term(i) -> loss of element i for every element, summing per sample in double.
template <class Term>
double per_sample_sum(const Tensor& x, Tensor* per_sample, Term term) {
  int64_t rows = x.dim(0), cols = x.shape().per_sample();
  double total = 0;
  for (int64_t n = 0; n < rows; ++n) {
    double s = 0;
    for (int64_t j = 0; j < cols; ++j) s += term(n * cols + j);
    if (per_sample) per_sample->data()[n] = static_cast<float>(s);
    total += s;
  }
  return total;
}

}  // namespace

void bce_with_logits(const Tensor& logits, const Tensor& target, Tensor* grad, float grad_scale,
                     Tensor* per_sample, double* total_out) {
  const int64_t rows = logits.dim(0), cols = logits.shape().per_sample();
  const float *z = logits.data(), *t = target.data();
  // Rows in parallel, their sums added in row order: the same total for any thread count.
  thread_local std::vector<double> scratch;
  std::vector<double>& row_sums = scratch;  // the caller's, shared with the workers
  row_sums.resize(rows);
  parallel_pieces(
      rows,
      [&](int64_t first, int64_t last) {
        for (int64_t n = first; n < last; ++n) {
          const int64_t at = n * cols;
          row_sums[n] = grad ? bce_row(z + at, t + at, grad->data() + at, cols, grad_scale)
                             : bce_row_value(z + at, t + at, cols);
        }
      },
      std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(cols, 1)));
  double total = 0;
  for (int64_t n = 0; n < rows; ++n) {
    if (per_sample) per_sample->data()[n] = static_cast<float>(row_sums[n]);
    total += row_sums[n];
  }
  *total_out = total;
}

void mse(const Tensor& pred, const Tensor& target, Tensor* grad, float grad_scale,
         Tensor* per_sample, double* total) {
  const float *p = pred.data(), *t = target.data();
  float* g = grad ? grad->data() : nullptr;
  *total = per_sample_sum(pred, per_sample, [&](int64_t i) {
    float d = p[i] - t[i];
    if (g) g[i] = grad_scale * 2.0f * d;
    return static_cast<double>(d) * d;
  });
}

void gaussian_kl(const Tensor& mu, const Tensor& logvar, Tensor* dmu, Tensor* dlogvar,
                 float grad_scale, Tensor* per_sample, double* total) {
  const float *m = mu.data(), *lv = logvar.data();
  float* gm = dmu ? dmu->data() : nullptr;
  float* glv = dlogvar ? dlogvar->data() : nullptr;
  *total = per_sample_sum(mu, per_sample, [&](int64_t i) {
    float e = std::exp(lv[i]);
    if (gm) gm[i] = grad_scale * m[i];
    if (glv) glv[i] = grad_scale * 0.5f * (e - 1.0f);
    return -0.5 * (1.0 + lv[i] - static_cast<double>(m[i]) * m[i] - e);
  });
}

void l1_penalty(const Tensor& a, float weight, Tensor* grad, float grad_scale, double* total) {
  const float* p = a.data();
  float* g = grad ? grad->data() : nullptr;
  double s = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    s += std::abs(p[i]);
    if (g) g[i] += grad_scale * weight * static_cast<float>((p[i] > 0) - (p[i] < 0));
  }
  *total = weight * s;
}

void bernoulli_kl_sparsity(const Tensor& a, float rho, float weight, Tensor* grad, float grad_scale,
                           const Tensor* batch_mean, double* total) {
  int64_t rows = a.dim(0), cols = a.shape().per_sample();
  const float* p = a.data();
  std::vector<double> mean(cols, 0.0);
  if (batch_mean) {
    for (int64_t j = 0; j < cols; ++j) mean[j] = batch_mean->data()[j];
  } else {
    for (int64_t n = 0; n < rows; ++n)
      for (int64_t j = 0; j < cols; ++j) mean[j] += p[n * cols + j];
    for (auto& m : mean) m /= static_cast<double>(rows);
  }
  // ρ̂ is kept away from 0 and 1 so the logs stay finite.
  constexpr double kEps = 1e-6;
  double penalty = 0;
  std::vector<float> dmean(cols);
  for (int64_t j = 0; j < cols; ++j) {
    double r = std::clamp(mean[j], kEps, 1.0 - kEps);
    penalty += rho * std::log(rho / r) + (1 - rho) * std::log((1 - rho) / (1 - r));
    dmean[j] = static_cast<float>(weight * (-rho / r + (1 - rho) / (1 - r)) * grad_scale);
  }
  if (grad) {
    float* g = grad->data();
    for (int64_t n = 0; n < rows; ++n)
      for (int64_t j = 0; j < cols; ++j) g[n * cols + j] += dmean[j];
  }
  *total = weight * penalty;
}

void hinge_loss(const Tensor& logits, float sign, Tensor* grad, float grad_scale, double* total) {
  const float* z = logits.data();
  double s = 0;
  for (int64_t i = 0; i < logits.numel(); ++i) {
    float margin = 1.0f - sign * z[i];
    s += std::max(margin, 0.0f);
    if (grad) grad->data()[i] = margin > 0 ? -sign * grad_scale : 0.0f;
  }
  *total = s;
}

void negated_sum_loss(const Tensor& logits, Tensor* grad, float grad_scale, double* total) {
  if (grad) grad->fill(-grad_scale);
  sum(logits, total);
  *total = -*total;
}

}  // namespace latent::cpu
