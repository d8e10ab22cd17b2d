// Memory-bound elementwise kernels and reductions.
#include <algorithm>
#include <cmath>

#include "runtime/cpu/cpu_ops.hpp"
#include "runtime/cpu/parallel.hpp"
#include "runtime/finite_floats.hpp"
#include "runtime/vector_clones.hpp"

namespace latent::cpu {
namespace {

LATENT_VECTOR_CLONES void add_row(float* __restrict sum, const float* __restrict x, int64_t n) {
  for (int64_t j = 0; j < n; ++j) sum[j] += x[j];
}

// Σ p[0..n) in 16 running sums (one vector register), then those summed: a loop GCC vectorizes
// without reordering any one sum.
LATENT_VECTOR_CLONES float sum_floats(const float* __restrict p, int64_t n) {
  float lanes[16] = {};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int l = 0; l < 16; ++l) lanes[l] += p[i + l];
  float s = 0.0f;
  for (float lane : lanes) s += lane;
  for (; i < n; ++i) s += p[i];
  return s;
}

}  // namespace

void sum_rows(const Tensor& x, Tensor& y, bool accumulate) {
  const int64_t rows = x.dim(0), cols = x.shape().per_sample();
  const float* px = x.data();
  float* py = y.data();
  // One column (the bias of a one-channel output: every pixel of a batch): a row at a time
  // would be a call per element.
  if (cols == 1) {
    py[0] = (accumulate ? py[0] : 0.0f) + sum_floats(px, rows);
    return;
  }
  // Columns in parallel (each sum keeps its row order, so any thread count gives the same).
  parallel_pieces(
      cols,
      [&](int64_t first, int64_t last) {
        if (!accumulate) std::fill(py + first, py + last, 0.0f);
        for (int64_t n = 0; n < rows; ++n) add_row(py + first, px + n * cols + first, last - first);
      },
      std::max<int64_t>(16, kParallelGrain / std::max<int64_t>(rows, 1)));
}

void fill(Tensor& x, float value) {
  float* p = x.data();
  parallel_pieces(x.numel(), [&](int64_t a, int64_t b) { std::fill(p + a, p + b, value); });
}

void copy(const Tensor& src, Tensor& dst) {
  const float* s = src.data();
  float* d = dst.data();
  if (s == d) return;
  parallel_pieces(src.numel(), [&](int64_t a, int64_t b) { std::copy(s + a, s + b, d + a); });
}

// The host is this backend's device: both crossings are copies.
void copy_from_host(const float* src, Tensor& dst) {
  float* d = dst.data();
  if (src == d) return;
  parallel_pieces(dst.numel(), [&](int64_t a, int64_t b) { std::copy(src + a, src + b, d + a); });
}

void copy_to_host(const Tensor& src, float* dst) {
  const float* s = src.data();
  if (s == dst) return;
  parallel_pieces(src.numel(), [&](int64_t a, int64_t b) { std::copy(s + a, s + b, dst + a); });
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

// A row of the window is contiguous in both: one copy per (n, c, row).
void crop2d(const Tensor& x, int64_t top, int64_t left, Tensor& y) {
  const Shape &b = x.shape(), &s = y.shape();
  for (int64_t p = 0; p < s[0] * s[1]; ++p)
    for (int64_t i = 0; i < s[2]; ++i)
      std::copy_n(x.data() + (p * b[2] + top + i) * b[3] + left, s[3],
                  y.data() + (p * s[2] + i) * s[3]);
}

void crop2d_backward(const Tensor& dy, int64_t top, int64_t left, Tensor& dx) {
  const Shape &b = dx.shape(), &s = dy.shape();
  std::fill_n(dx.data(), dx.numel(), 0.0f);
  for (int64_t p = 0; p < s[0] * s[1]; ++p)
    for (int64_t i = 0; i < s[2]; ++i)
      std::copy_n(dy.data() + (p * s[2] + i) * s[3], s[3],
                  dx.data() + (p * b[2] + top + i) * b[3] + left);
}

void copy_columns(const Tensor& src, int64_t src_col, Tensor& dst, int64_t dst_col, int64_t cols) {
  int64_t rows = src.dim(0), sw = src.shape().per_sample(), dw = dst.shape().per_sample();
  for (int64_t n = 0; n < rows; ++n)
    std::copy_n(src.data() + n * sw + src_col, cols, dst.data() + n * dw + dst_col);
}

void sum(const Tensor& x, double* total) {
  double s = 0;
  const float* p = x.data();
  for (int64_t i = 0; i < x.numel(); ++i) s += p[i];
  *total = s;
}

void sum_squares(const Tensor& x, double* total) {
  double s = 0;
  const float* p = x.data();
  for (int64_t i = 0; i < x.numel(); ++i) s += static_cast<double>(p[i]) * p[i];
  *total = s;
}

void count_nonfinite(const Tensor& x, double* total) {
  const float* p = x.data();
  int64_t bad = 0;
  if (!floats_finite(p, x.numel()))  // the vectorized pass first: counting is for the rare case
    for (int64_t i = 0; i < x.numel(); ++i) bad += !std::isfinite(p[i]);
  *total = static_cast<double>(bad);
}

}  // namespace latent::cpu
