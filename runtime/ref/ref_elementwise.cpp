// Reference activations, whole-tensor moves, small fused kernels and reductions.
#include <cmath>

#include "runtime/ref/layout_index.hpp"
#include "runtime/ref/ref_ops.hpp"

namespace latent::ref {
namespace {

double activation(Activation f, double alpha, double x) {
  switch (f) {
    case Activation::kRelu:
      return x > 0 ? x : 0.0;
    case Activation::kLeakyRelu:
      return x > 0 ? x : alpha * x;
    case Activation::kSigmoid:
      return 1.0 / (1.0 + std::exp(-x));
    case Activation::kTanh:
      return std::tanh(x);
    case Activation::kLinear:
      break;
  }
  return x;
}

// f'(x)
double derivative(Activation f, double alpha, double x) {
  switch (f) {
    case Activation::kRelu:
      return x > 0 ? 1.0 : 0.0;
    case Activation::kLeakyRelu:
      return x > 0 ? 1.0 : alpha;
    case Activation::kSigmoid: {
      const double s = activation(f, alpha, x);
      return s * (1.0 - s);
    }
    case Activation::kTanh: {
      const double t = std::tanh(x);
      return 1.0 - t * t;
    }
    case Activation::kLinear:
      break;
  }
  return 1.0;
}

}  // namespace

void eltwise_forward(Activation f, float alpha, const Tensor& x, Tensor& y) {
  for (int64_t i = 0; i < x.numel(); ++i)
    y.data()[i] = static_cast<float>(activation(f, alpha, x.data()[i]));
}

void eltwise_backward(Activation f, float alpha, const Tensor& x, const Tensor& dy, Tensor& dx) {
  for (int64_t i = 0; i < x.numel(); ++i)
    dx.data()[i] = static_cast<float>(derivative(f, alpha, x.data()[i]) * dy.data()[i]);
}

void fill(Tensor& x, float value) {
  for (int64_t i = 0; i < x.numel(); ++i) x.data()[i] = value;
}

void copy(const Tensor& src, Tensor& dst) {
  for (int64_t i = 0; i < src.numel(); ++i) dst.data()[i] = src.data()[i];
}

void copy_from_host(const float* src, Tensor& dst) {
  for (int64_t i = 0; i < dst.numel(); ++i) dst.data()[i] = src[i];
}

void copy_to_host(const Tensor& src, float* dst) {
  for (int64_t i = 0; i < src.numel(); ++i) dst[i] = src.data()[i];
}

void copy_layout(const Tensor& src, Tensor& dst) {
  for_each_index(src, [&](int64_t n, int64_t c, int64_t h, int64_t w) {
    dst.data()[offset(dst, n, c, h, w)] = src.data()[offset(src, n, c, h, w)];
  });
}

void add(const Tensor& a, const Tensor& b, Tensor& y) {
  for (int64_t i = 0; i < y.numel(); ++i)
    y.data()[i] = static_cast<float>(static_cast<double>(a.data()[i]) + b.data()[i]);
}

void axpy(float alpha, const Tensor& x, Tensor& y) {
  for (int64_t i = 0; i < y.numel(); ++i)
    y.data()[i] = static_cast<float>(y.data()[i] + static_cast<double>(alpha) * x.data()[i]);
}

void scale(Tensor& x, float alpha) {
  for (int64_t i = 0; i < x.numel(); ++i)
    x.data()[i] = static_cast<float>(static_cast<double>(alpha) * x.data()[i]);
}

void mul(const Tensor& a, const Tensor& b, Tensor& y) {
  for (int64_t i = 0; i < y.numel(); ++i)
    y.data()[i] = static_cast<float>(static_cast<double>(a.data()[i]) * b.data()[i]);
}

void fma(const Tensor& a, const Tensor& b, const Tensor& c, Tensor& y) {
  for (int64_t i = 0; i < y.numel(); ++i)
    y.data()[i] = static_cast<float>(a.data()[i] + static_cast<double>(b.data()[i]) * c.data()[i]);
}

void exp_half(const Tensor& logvar, Tensor& sigma) {
  for (int64_t i = 0; i < sigma.numel(); ++i)
    sigma.data()[i] = static_cast<float>(std::exp(0.5 * logvar.data()[i]));
}

void crop2d(const Tensor& x, int64_t top, int64_t left, Tensor& y) {
  const Shape &b = x.shape(), &s = y.shape();
  for (int64_t n = 0; n < s[0]; ++n)
    for (int64_t c = 0; c < s[1]; ++c)
      for (int64_t i = 0; i < s[2]; ++i)
        for (int64_t j = 0; j < s[3]; ++j)
          y.data()[((n * s[1] + c) * s[2] + i) * s[3] + j] =
              x.data()[((n * b[1] + c) * b[2] + top + i) * b[3] + left + j];
}

void crop2d_backward(const Tensor& dy, int64_t top, int64_t left, Tensor& dx) {
  const Shape &b = dx.shape(), &s = dy.shape();
  for (int64_t i = 0; i < dx.numel(); ++i) dx.data()[i] = 0.0f;
  for (int64_t n = 0; n < s[0]; ++n)
    for (int64_t c = 0; c < s[1]; ++c)
      for (int64_t i = 0; i < s[2]; ++i)
        for (int64_t j = 0; j < s[3]; ++j)
          dx.data()[((n * b[1] + c) * b[2] + top + i) * b[3] + left + j] =
              dy.data()[((n * s[1] + c) * s[2] + i) * s[3] + j];
}

void copy_columns(const Tensor& src, int64_t src_col, Tensor& dst, int64_t dst_col, int64_t cols) {
  const int64_t src_width = src.shape().per_sample(), dst_width = dst.shape().per_sample();
  for (int64_t n = 0; n < src.dim(0); ++n)
    for (int64_t j = 0; j < cols; ++j)
      dst.data()[n * dst_width + dst_col + j] = src.data()[n * src_width + src_col + j];
}

double sum(const Tensor& x) {
  double s = 0;
  for (int64_t i = 0; i < x.numel(); ++i) s += x.data()[i];
  return s;
}

double sum_squares(const Tensor& x) {
  double s = 0;
  for (int64_t i = 0; i < x.numel(); ++i) s += static_cast<double>(x.data()[i]) * x.data()[i];
  return s;
}

bool all_finite(const Tensor& x) {
  for (int64_t i = 0; i < x.numel(); ++i)
    if (!std::isfinite(x.data()[i])) return false;
  return true;
}

}  // namespace latent::ref
