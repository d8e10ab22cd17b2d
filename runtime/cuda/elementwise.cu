// Memory-bound elementwise kernels, moves and reductions of the CUDA backend.
#include <cmath>

#include "runtime/cuda/cuda_ops.hpp"
#include "runtime/cuda/device_allocator.hpp"
#include "runtime/cuda/launch.cuh"
#include "runtime/cuda/pinned_upload.hpp"
#include "runtime/cuda/reduce.cuh"

namespace latent::cuda {
namespace {

struct Scratch {
  double* data = nullptr;
  int64_t count = 0;
};

}  // namespace

double* scratch_doubles(int64_t count) {
  static Scratch s;
  if (count > s.count) {
    device_free(s.data);
    s.data = static_cast<double*>(device_alloc(static_cast<size_t>(count) * sizeof(double)));
    s.count = count;
  }
  return s.data;
}

void write_zero_total(double* total) {
  check(cudaMemsetAsync(total, 0, sizeof(double), stream()), "cudaMemsetAsync (total)");
}

void fill(Tensor& x, float value) {
  float* p = x.data();
  for_each_index(
      x.numel(), [=] __device__(int64_t i) { p[i] = value; }, "fill");
}

void copy(const Tensor& src, Tensor& dst) {
  if (src.data() == dst.data() || src.numel() == 0) return;
  check(cudaMemcpyAsync(dst.data(), src.data(), src.numel() * sizeof(float),
                        cudaMemcpyDeviceToDevice, stream()),
        "cudaMemcpyAsync (copy)");
}

void copy_from_host(const float* src, Tensor& dst) {
  if (dst.numel() == 0) return;
  // Staged through pinned memory and not waited for: the caller may reuse `src` at once.
  upload(src, dst.data(), static_cast<size_t>(dst.numel()) * sizeof(float));
}

void copy_to_host(const Tensor& src, float* dst) {
  if (src.numel() == 0) return;
  check(cudaMemcpyAsync(dst, src.data(), src.numel() * sizeof(float), cudaMemcpyDeviceToHost,
                        stream()),
        "cudaMemcpyAsync (device to host)");
  synchronize();
  note_host_wait();
}

void add(const Tensor& a, const Tensor& b, Tensor& y) {
  const float *pa = a.data(), *pb = b.data();
  float* py = y.data();
  for_each_index(
      y.numel(), [=] __device__(int64_t i) { py[i] = pa[i] + pb[i]; }, "add");
}

void axpy(float alpha, const Tensor& x, Tensor& y) {
  const float* px = x.data();
  float* py = y.data();
  for_each_index(
      y.numel(), [=] __device__(int64_t i) { py[i] += alpha * px[i]; }, "axpy");
}

void scale(Tensor& x, float alpha) {
  float* p = x.data();
  for_each_index(
      x.numel(), [=] __device__(int64_t i) { p[i] *= alpha; }, "scale");
}

void mul(const Tensor& a, const Tensor& b, Tensor& y) {
  const float *pa = a.data(), *pb = b.data();
  float* py = y.data();
  for_each_index(
      y.numel(), [=] __device__(int64_t i) { py[i] = pa[i] * pb[i]; }, "mul");
}

void fma(const Tensor& a, const Tensor& b, const Tensor& c, Tensor& y) {
  const float *pa = a.data(), *pb = b.data(), *pc = c.data();
  float* py = y.data();
  for_each_index(
      y.numel(), [=] __device__(int64_t i) { py[i] = pa[i] + pb[i] * pc[i]; }, "fma");
}

void exp_half(const Tensor& logvar, Tensor& sigma) {
  const float* lv = logvar.data();
  float* s = sigma.data();
  for_each_index(
      sigma.numel(), [=] __device__(int64_t i) { s[i] = expf(0.5f * lv[i]); }, "exp_half");
}

void crop2d(const Tensor& x, int64_t top, int64_t left, Tensor& y) {
  const int64_t bh = x.dim(2), bw = x.dim(3), h = y.dim(2), w = y.dim(3);
  const float* s = x.data();
  float* d = y.data();
  for_each_index(
      y.numel(),
      [=] __device__(int64_t i) {
        const int64_t j = i % w, row = (i / w) % h, plane = i / (w * h);
        d[i] = s[(plane * bh + top + row) * bw + left + j];
      },
      "crop2d");
}

void crop2d_backward(const Tensor& dy, int64_t top, int64_t left, Tensor& dx) {
  const int64_t bh = dx.dim(2), bw = dx.dim(3), h = dy.dim(2), w = dy.dim(3);
  const float* s = dy.data();
  float* d = dx.data();
  // Each element of dx is written once: inside the window from dy, outside zero.
  for_each_index(
      dx.numel(),
      [=] __device__(int64_t i) {
        const int64_t j = i % bw, row = (i / bw) % bh, plane = i / (bw * bh);
        const bool inside = row >= top && row < top + h && j >= left && j < left + w;
        d[i] = inside ? s[(plane * h + row - top) * w + j - left] : 0.0f;
      },
      "crop2d_backward");
}

void copy_columns(const Tensor& src, int64_t src_col, Tensor& dst, int64_t dst_col, int64_t cols) {
  const int64_t rows = src.dim(0), src_w = src.shape().per_sample(),
                dst_w = dst.shape().per_sample();
  const float* s = src.data();
  float* d = dst.data();
  for_each_index(
      rows * cols,
      [=] __device__(int64_t i) {
        const int64_t n = i / cols, j = i % cols;
        d[n * dst_w + dst_col + j] = s[n * src_w + src_col + j];
      },
      "copy_columns");
}

void sum_rows(const Tensor& x, Tensor& y, bool accumulate) {
  // One thread per column, rows added in order: the CPU's order, any grid.
  const int64_t rows = x.dim(0), cols = x.shape().per_sample();
  const float* px = x.data();
  float* py = y.data();
  for_each_index(
      cols,
      [=] __device__(int64_t j) {
        float s = accumulate ? py[j] : 0.0f;
        for (int64_t n = 0; n < rows; ++n) s += px[n * cols + j];
        py[j] = s;
      },
      "sum_rows");
}

void sum(const Tensor& x, double* total) {
  const float* p = x.data();
  reduce_sum(
      x.numel(), [=] __device__(int64_t i) { return static_cast<double>(p[i]); }, total);
}

void sum_squares(const Tensor& x, double* total) {
  const float* p = x.data();
  reduce_sum(
      x.numel(),
      [=] __device__(int64_t i) {
        const double v = p[i];
        return v * v;
      },
      total);
}

void count_nonfinite(const Tensor& x, double* total) {
  const float* p = x.data();
  reduce_sum(
      x.numel(), [=] __device__(int64_t i) { return isfinite(p[i]) ? 0.0 : 1.0; }, total);
}

void eltwise_forward(ops::Activation f, float alpha, const Tensor& x, Tensor& y) {
  const float* px = x.data();
  float* py = y.data();
  for_each_index(
      y.numel(),
      [=] __device__(int64_t i) {
        const float v = px[i];
        switch (f) {
          case ops::Activation::kLinear:
            py[i] = v;
            break;
          case ops::Activation::kRelu:
            py[i] = v > 0 ? v : 0.0f;
            break;
          case ops::Activation::kLeakyRelu:
            py[i] = v > 0 ? v : alpha * v;
            break;
          case ops::Activation::kSigmoid:
            py[i] = 1.0f / (1.0f + expf(-v));
            break;
          case ops::Activation::kTanh:
            py[i] = tanhf(v);
            break;
        }
      },
      "eltwise_forward");
}

void eltwise_backward(ops::Activation f, float alpha, const Tensor& x, const Tensor& dy,
                      Tensor& dx) {
  const float *px = x.data(), *pdy = dy.data();
  float* pdx = dx.data();
  for_each_index(
      dx.numel(),
      [=] __device__(int64_t i) {
        const float v = px[i], g = pdy[i];
        switch (f) {
          case ops::Activation::kLinear:
            pdx[i] = g;
            break;
          case ops::Activation::kRelu:
            pdx[i] = v > 0 ? g : 0.0f;
            break;
          case ops::Activation::kLeakyRelu:
            pdx[i] = v > 0 ? g : alpha * g;
            break;
          case ops::Activation::kSigmoid: {
            const float s = 1.0f / (1.0f + expf(-v));
            pdx[i] = g * s * (1.0f - s);
            break;
          }
          case ops::Activation::kTanh: {
            const float t = tanhf(v);
            pdx[i] = g * (1.0f - t * t);
            break;
          }
        }
      },
      "eltwise_backward");
}

}  // namespace latent::cuda
