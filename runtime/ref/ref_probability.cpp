// Reference classification and likelihood-bound ops: softmax cross-entropy, argmax, log-sum-exp
// and the Gaussian importance-weight term, row by row.
#include <cmath>

#include "runtime/ref/ref_ops.hpp"

namespace latent::ref {
namespace {

// log Σ_j e^x_j, the row's maximum taken out first so no exponential overflows.
double row_logsumexp(const float* x, int64_t cols) {
  double top = x[0];
  for (int64_t j = 1; j < cols; ++j) top = std::fmax(top, x[j]);
  double s = 0;
  for (int64_t j = 0; j < cols; ++j) s += std::exp(x[j] - top);
  return top + std::log(s);
}

}  // namespace

double softmax_cross_entropy(const Tensor& logits, const Tensor& labels, Tensor* grad,
                             float grad_scale, Tensor* per_sample) {
  const int64_t classes = logits.shape().per_sample();
  double total = 0;
  for (int64_t n = 0; n < logits.dim(0); ++n) {
    const float* z = logits.data() + n * classes;
    const int64_t label = static_cast<int64_t>(labels.data()[n]);
    const double lse = row_logsumexp(z, classes), loss = lse - z[label];
    if (per_sample) per_sample->data()[n] = static_cast<float>(loss);
    total += loss;
    if (!grad) continue;
    for (int64_t c = 0; c < classes; ++c) {
      const double softmax = std::exp(z[c] - lse), onehot = c == label ? 1.0 : 0.0;
      grad->data()[n * classes + c] = static_cast<float>(grad_scale * (softmax - onehot));
    }
  }
  return total;
}

void argmax_rows(const Tensor& x, Tensor& out) {
  const int64_t cols = x.shape().per_sample();
  for (int64_t n = 0; n < x.dim(0); ++n) {
    int64_t best = 0;
    for (int64_t j = 1; j < cols; ++j)  // strictly greater: the first of ties wins
      if (x.data()[n * cols + j] > x.data()[n * cols + best]) best = j;
    out.data()[n] = static_cast<float>(best);
  }
}

int64_t count_equal(const Tensor& a, const Tensor& b) {
  int64_t same = 0;
  for (int64_t i = 0; i < a.numel(); ++i)
    if (a.data()[i] == b.data()[i]) ++same;
  return same;
}

void logsumexp_rows(const Tensor& x, Tensor& out) {
  const int64_t cols = x.shape().per_sample();
  for (int64_t n = 0; n < x.dim(0); ++n)
    out.data()[n] = static_cast<float>(row_logsumexp(x.data() + n * cols, cols));
}

void gaussian_log_ratio(const Tensor& z, const Tensor& eps, const Tensor& logvar, Tensor& out) {
  const int64_t cols = z.shape().per_sample();
  for (int64_t n = 0; n < z.dim(0); ++n) {
    double s = 0;
    for (int64_t i = n * cols; i < (n + 1) * cols; ++i) {
      const double zi = z.data()[i], ei = eps.data()[i];
      s += (ei * ei - zi * zi + logvar.data()[i]) / 2;
    }
    out.data()[n] = static_cast<float>(s);
  }
}

double sum_sigmoid(const Tensor& z) {
  double s = 0;
  for (int64_t i = 0; i < z.numel(); ++i) s += 1.0 / (1.0 + std::exp(-double{z.data()[i]}));
  return s;
}

int64_t count_sign(const Tensor& z, bool positive) {
  int64_t n = 0;
  for (int64_t i = 0; i < z.numel(); ++i)
    if (positive ? z.data()[i] > 0 : z.data()[i] < 0) ++n;
  return n;
}

}  // namespace latent::ref
