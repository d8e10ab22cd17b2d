// Reference batch normalization (per channel over N, H and W) and its synchronised pieces.
#include <cmath>

#include "runtime/ref/layout_index.hpp"
#include "runtime/ref/ref_ops.hpp"

namespace latent::ref {
namespace {

// Calls f(n, h, w) for every position of a channel (the caller names the channel).
template <class F>
void for_each_in_channel(const Tensor& x, F f) {
  for (int64_t n = 0; n < x.dim(0); ++n)
    for (int64_t h = 0; h < height(x); ++h)
      for (int64_t w = 0; w < width(x); ++w) f(n, h, w);
}

double count_per_channel(const Tensor& x) {
  return static_cast<double>(x.dim(0) * height(x) * width(x));
}

double rstd(const Tensor& var, int64_t c, float eps) {
  return 1.0 / std::sqrt(static_cast<double>(var.data()[c]) + eps);
}

// y = scale·(x - mean)/√(var + eps) + shift over channel c.
void normalize(const Tensor& x, const Tensor& scale, const Tensor& shift, double mean, double var,
               Tensor& y, float eps, int64_t c) {
  const double r = 1.0 / std::sqrt(var + eps);
  for_each_in_channel(x, [&](int64_t n, int64_t h, int64_t w) {
    const double xhat = (x.data()[offset(x, n, c, h, w)] - mean) * r;
    y.data()[offset(y, n, c, h, w)] = static_cast<float>(scale.data()[c] * xhat + shift.data()[c]);
  });
}

// dx = scale·rstd·(dy - Σdy/count - x̂·Σ(dy·x̂)/count) over channel c.
void dx_from_sums(const Tensor& x, const Tensor& dy, const Tensor& scale, const Tensor& mean,
                  const Tensor& var, double sum_dy, double sum_dy_xhat, double count, Tensor& dx,
                  float eps, int64_t c) {
  const double r = rstd(var, c, eps);
  for_each_in_channel(x, [&](int64_t n, int64_t h, int64_t w) {
    const double xhat = (x.data()[offset(x, n, c, h, w)] - mean.data()[c]) * r;
    const double g = dy.data()[offset(dy, n, c, h, w)];
    dx.data()[offset(dx, n, c, h, w)] =
        static_cast<float>(scale.data()[c] * r * (g - sum_dy / count - xhat * sum_dy_xhat / count));
  });
}

}  // namespace

void batchnorm_forward_train(const Tensor& x, const Tensor& scale, const Tensor& shift, Tensor& y,
                             Tensor& mean, Tensor& var, float eps) {
  const double count = count_per_channel(x);
  for (int64_t c = 0; c < x.dim(1); ++c) {
    double s = 0, ss = 0;
    for_each_in_channel(
        x, [&](int64_t n, int64_t h, int64_t w) { s += x.data()[offset(x, n, c, h, w)]; });
    const double m = s / count;
    for_each_in_channel(x, [&](int64_t n, int64_t h, int64_t w) {
      const double d = x.data()[offset(x, n, c, h, w)] - m;
      ss += d * d;
    });
    const double v = ss / count;  // biased
    mean.data()[c] = static_cast<float>(m);
    var.data()[c] = static_cast<float>(v);
    normalize(x, scale, shift, m, v, y, eps, c);
  }
}

void batchnorm_forward_infer(const Tensor& x, const Tensor& scale, const Tensor& shift,
                             const Tensor& mean, const Tensor& var, Tensor& y, float eps) {
  for (int64_t c = 0; c < x.dim(1); ++c)
    normalize(x, scale, shift, mean.data()[c], var.data()[c], y, eps, c);
}

void batchnorm_backward(const Tensor& x, const Tensor& dy, const Tensor& scale, const Tensor& mean,
                        const Tensor& var, Tensor& dx, Tensor& dscale, Tensor& dshift, float eps) {
  for (int64_t c = 0; c < x.dim(1); ++c) {
    const double r = rstd(var, c, eps);
    double sum_dy = 0, sum_dy_xhat = 0;
    for_each_in_channel(x, [&](int64_t n, int64_t h, int64_t w) {
      const double g = dy.data()[offset(dy, n, c, h, w)];
      sum_dy += g;
      sum_dy_xhat += g * (x.data()[offset(x, n, c, h, w)] - mean.data()[c]) * r;
    });
    dx_from_sums(x, dy, scale, mean, var, sum_dy, sum_dy_xhat, count_per_channel(x), dx, eps, c);
    dscale.data()[c] += static_cast<float>(sum_dy_xhat);
    dshift.data()[c] += static_cast<float>(sum_dy);
  }
}

void channel_sums(const Tensor& x, const Tensor* mean, Tensor& sum) {
  for (int64_t c = 0; c < x.dim(1); ++c) {
    double s = 0;
    for_each_in_channel(x, [&](int64_t n, int64_t h, int64_t w) {
      const double v = x.data()[offset(x, n, c, h, w)];
      s += mean ? (v - mean->data()[c]) * (v - mean->data()[c]) : v;
    });
    sum.data()[c] = static_cast<float>(s);
  }
}

void batchnorm_backward_data_from_sums(const Tensor& x, const Tensor& dy, const Tensor& scale,
                                       const Tensor& mean, const Tensor& var, const Tensor& sum_dy,
                                       const Tensor& sum_dy_xhat, double count, Tensor& dx,
                                       float eps) {
  for (int64_t c = 0; c < x.dim(1); ++c)
    dx_from_sums(x, dy, scale, mean, var, sum_dy.data()[c], sum_dy_xhat.data()[c], count, dx, eps,
                 c);
}

void mean_from_sums(const Tensor& sum, double count, Tensor& mean) {
  for (int64_t c = 0; c < mean.numel(); ++c)
    mean.data()[c] = static_cast<float>(sum.data()[c] / count);
}

}  // namespace latent::ref
