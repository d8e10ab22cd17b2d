// Softmax cross-entropy, argmax, log-sum-exp and the Gaussian importance-weight term on the
// device. One thread per row walks its row as the CPU does (the row's maximum taken out before
// any exponential, sums in double, the first of ties): rows are short (classes, latent sizes)
// and many, and per-row order makes the results the CPU's up to exp/log rounding.
#include <cmath>

#include "runtime/cuda/cuda_ops.hpp"
#include "runtime/cuda/device_allocator.hpp"
#include "runtime/cuda/launch.cuh"
#include "runtime/cuda/reduce.cuh"

namespace latent::cuda {
namespace {

// log Σ_j e^{x_j} of one row, stable for any values.
__device__ double row_logsumexp(const float* x, int64_t n) {
  float top = x[0];
  for (int64_t j = 1; j < n; ++j)
    if (top < x[j]) top = x[j];
  double s = 0;
  for (int64_t j = 0; j < n; ++j) s += exp(static_cast<double>(x[j]) - top);
  return top + log(s);
}

}  // namespace

void softmax_cross_entropy(const Tensor& logits, const Tensor& labels, Tensor* grad,
                           float grad_scale, Tensor* per_sample, double* total) {
  const int64_t rows = logits.dim(0), classes = logits.shape().per_sample();
  if (rows == 0) return write_zero_total(total);
  const float *z = logits.data(), *y = labels.data();
  float* g = grad ? grad->data() : nullptr;
  float* ps = per_sample ? per_sample->data() : nullptr;
  // Row losses, then their total in row order (ops::softmax_cross_entropy checked the labels).
  DeviceScratch losses(rows * sizeof(double));
  double* loss = losses.as<double>();
  for_each_index(
      rows,
      [=] __device__(int64_t n) {
        const float* zn = z + n * classes;
        const int64_t label = static_cast<int64_t>(y[n]);
        const double lse = row_logsumexp(zn, classes);
        const double l = lse - zn[label];
        if (g)  // d/dz (log Σ e^z - z_label) = softmax(z) - onehot(label)
          for (int64_t c = 0; c < classes; ++c)
            g[n * classes + c] = grad_scale * static_cast<float>(exp(zn[c] - lse) - (c == label));
        if (ps) ps[n] = static_cast<float>(l);
        loss[n] = l;
      },
      "softmax_cross_entropy");
  ordered_total<<<1, 1, 0, stream()>>>(loss, rows, 1.0, total);
  check_launch("ordered_total");
}

void argmax_rows(const Tensor& x, Tensor& out) {
  const int64_t cols = x.shape().per_sample();
  const float* p = x.data();
  float* o = out.data();
  for_each_index(
      x.dim(0),
      [=] __device__(int64_t n) {
        const float* r = p + n * cols;
        int64_t best = 0;
        for (int64_t j = 1; j < cols; ++j)
          if (r[best] < r[j]) best = j;  // strictly larger: the first of ties, as std::max_element
        o[n] = static_cast<float>(best);
      },
      "argmax_rows");
}

void count_equal(const Tensor& a, const Tensor& b, double* total) {
  const float *pa = a.data(), *pb = b.data();
  // A count in double is exact below 2^53.
  reduce_sum(
      a.numel(), [=] __device__(int64_t i) { return pa[i] == pb[i] ? 1.0 : 0.0; }, total);
}

void logsumexp_rows(const Tensor& x, Tensor& out) {
  const int64_t cols = x.shape().per_sample();
  const float* p = x.data();
  float* o = out.data();
  for_each_index(
      x.dim(0),
      [=] __device__(int64_t n) { o[n] = static_cast<float>(row_logsumexp(p + n * cols, cols)); },
      "logsumexp_rows");
}

void gaussian_log_ratio(const Tensor& z, const Tensor& eps, const Tensor& logvar, Tensor& out) {
  const int64_t cols = z.shape().per_sample();
  const float *pz = z.data(), *pe = eps.data(), *plv = logvar.data();
  float* o = out.data();
  for_each_index(
      z.dim(0),
      [=] __device__(int64_t n) {
        double s = 0;
        for (int64_t j = n * cols; j < (n + 1) * cols; ++j) {
          const double zj = pz[j], ej = pe[j];
          s += 0.5 * (ej * ej - zj * zj + plv[j]);
        }
        o[n] = static_cast<float>(s);
      },
      "gaussian_log_ratio");
}

}  // namespace latent::cuda
