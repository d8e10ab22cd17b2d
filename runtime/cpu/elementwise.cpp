// Memory-bound elementwise kernels and reductions.
#include <algorithm>
#include <cmath>

#include "runtime/cpu/cpu_ops.hpp"

namespace latent::cpu {

void sum_rows(const Tensor& x, Tensor& y, bool accumulate) {
  int64_t rows = x.dim(0), cols = x.shape().per_sample();
  const float* px = x.data();
  float* py = y.data();
  if (!accumulate) y.zero();
  for (int64_t n = 0; n < rows; ++n)
    for (int64_t j = 0; j < cols; ++j) py[j] += px[n * cols + j];
}

void add(const Tensor& a, const Tensor& b, Tensor& y) {
  const float *pa = a.data(), *pb = b.data();
  float* py = y.data();
  for (int64_t i = 0; i < y.numel(); ++i) py[i] = pa[i] + pb[i];
}

void axpy(float alpha, const Tensor& x, Tensor& y) {
  const float* px = x.data();
  float* py = y.data();
  for (int64_t i = 0; i < y.numel(); ++i) py[i] += alpha * px[i];
}

void scale(Tensor& x, float alpha) {
  float* p = x.data();
  for (int64_t i = 0; i < x.numel(); ++i) p[i] *= alpha;
}

void mul(const Tensor& a, const Tensor& b, Tensor& y) {
  const float *pa = a.data(), *pb = b.data();
  float* py = y.data();
  for (int64_t i = 0; i < y.numel(); ++i) py[i] = pa[i] * pb[i];
}

void fma(const Tensor& a, const Tensor& b, const Tensor& c, Tensor& y) {
  const float *pa = a.data(), *pb = b.data(), *pc = c.data();
  float* py = y.data();
  for (int64_t i = 0; i < y.numel(); ++i) py[i] = pa[i] + pb[i] * pc[i];
}

void exp_half(const Tensor& logvar, Tensor& sigma) {
  const float* p = logvar.data();
  float* s = sigma.data();
  for (int64_t i = 0; i < sigma.numel(); ++i) s[i] = std::exp(0.5f * p[i]);
}

void copy_columns(const Tensor& src, int64_t src_col, Tensor& dst, int64_t dst_col, int64_t cols) {
  int64_t rows = src.dim(0), sw = src.shape().per_sample(), dw = dst.shape().per_sample();
  for (int64_t n = 0; n < rows; ++n)
    std::copy_n(src.data() + n * sw + src_col, cols, dst.data() + n * dw + dst_col);
}

double sum(const Tensor& x) {
  double s = 0;
  const float* p = x.data();
  for (int64_t i = 0; i < x.numel(); ++i) s += p[i];
  return s;
}

double sum_squares(const Tensor& x) {
  double s = 0;
  const float* p = x.data();
  for (int64_t i = 0; i < x.numel(); ++i) s += static_cast<double>(p[i]) * p[i];
  return s;
}

bool all_finite(const Tensor& x) {
  const float* p = x.data();
  for (int64_t i = 0; i < x.numel(); ++i)
    if (!std::isfinite(p[i])) return false;
  return true;
}

}  // namespace latent::cpu
