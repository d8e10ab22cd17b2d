// Softmax cross-entropy, argmax, log-sum-exp and the Gaussian importance-weight term. Every
// row's exponentials are taken after subtracting the row's maximum, so no logit overflows;
// sums are in double.
#include <algorithm>
#include <cmath>

#include "runtime/cpu/cpu_ops.hpp"

namespace latent::cpu {
namespace {

// log Σ_j e^{x_j} of one row, stable for any values.
double row_logsumexp(const float* x, int64_t n) {
  const float top = *std::max_element(x, x + n);
  double s = 0;
  for (int64_t j = 0; j < n; ++j) s += std::exp(static_cast<double>(x[j]) - top);
  return top + std::log(s);
}

}  // namespace

void softmax_cross_entropy(const Tensor& logits, const Tensor& labels, Tensor* grad,
                           float grad_scale, Tensor* per_sample, double* total_out) {
  const int64_t rows = logits.dim(0), classes = logits.shape().per_sample();
  const float* z = logits.data();
  const float* y = labels.data();
  double total = 0;
  for (int64_t n = 0; n < rows; ++n) {
    const float* zn = z + n * classes;
    const int64_t label = static_cast<int64_t>(y[n]);
    const double lse = row_logsumexp(zn, classes);
    const double loss = lse - zn[label];
    if (grad) {  // d/dz (log Σ e^z - z_label) = softmax(z) - onehot(label)
      float* g = grad->data() + n * classes;
      for (int64_t c = 0; c < classes; ++c)
        g[c] = grad_scale * static_cast<float>(std::exp(zn[c] - lse) - (c == label));
    }
    if (per_sample) per_sample->data()[n] = static_cast<float>(loss);
    total += loss;
  }
  *total_out = total;
}

void argmax_rows(const Tensor& x, Tensor& out) {
  const int64_t rows = x.dim(0), cols = x.shape().per_sample();
  for (int64_t n = 0; n < rows; ++n) {
    const float* r = x.data() + n * cols;
    out.data()[n] = static_cast<float>(std::max_element(r, r + cols) - r);
  }
}

void count_equal(const Tensor& a, const Tensor& b, double* total) {
  int64_t same = 0;
  for (int64_t i = 0; i < a.numel(); ++i) same += a.data()[i] == b.data()[i];
  *total = static_cast<double>(same);
}

void logsumexp_rows(const Tensor& x, Tensor& out) {
  const int64_t rows = x.dim(0), cols = x.shape().per_sample();
  for (int64_t n = 0; n < rows; ++n)
    out.data()[n] = static_cast<float>(row_logsumexp(x.data() + n * cols, cols));
}

void gaussian_log_ratio(const Tensor& z, const Tensor& eps, const Tensor& logvar, Tensor& out) {
  const int64_t rows = z.dim(0), cols = z.shape().per_sample();
  for (int64_t n = 0; n < rows; ++n) {
    const int64_t at = n * cols;
    double s = 0;
    for (int64_t j = at; j < at + cols; ++j) {
      const double zj = z.data()[j], ej = eps.data()[j];
      s += 0.5 * (ej * ej - zj * zj + logvar.data()[j]);
    }
    out.data()[n] = static_cast<float>(s);
  }
}

void sum_sigmoid(const Tensor& z, double* total) {
  const float* p = z.data();
  double s = 0;
  // e^-z in float, the rest in double, in element order: the GAN's d_real / d_fake metrics have
  // always been computed so (resumed and data-parallel runs compare them bit for bit).
  for (int64_t i = 0; i < z.numel(); ++i) s += 1.0 / (1.0 + std::exp(-p[i]));
  *total = s;
}

void count_sign(const Tensor& z, bool positive, double* total) {
  const float* p = z.data();
  int64_t n = 0;
  for (int64_t i = 0; i < z.numel(); ++i) n += positive ? (p[i] > 0) : (p[i] < 0);
  *total = static_cast<double>(n);
}

}  // namespace latent::cpu
