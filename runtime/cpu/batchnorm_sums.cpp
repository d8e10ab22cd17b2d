// Per-channel sums for synchronised batch norm: the statistics of a batch split over ranks
// are sums that the ranks add up, then the usual formulas apply.
#include <cmath>
#include <vector>

#include "runtime/cpu/cpu_ops.hpp"

namespace latent::cpu {
namespace {

// Calls f(channel, element index) over an [N,C] or [N,C,H,W] tensor (either layout; the tensors
// a call reads and writes share it).
template <class F>
void for_each_element(const Tensor& x, F f) {
  int64_t n = x.dim(0), c = x.dim(1), plane = x.numel() / (n * c);
  if (x.channels_last()) {  // [N, H, W, C] in memory
    for (int64_t b = 0; b < n; ++b)
      for (int64_t i = 0; i < plane; ++i)
        for (int64_t ch = 0; ch < c; ++ch) f(ch, (b * plane + i) * c + ch);
    return;
  }
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t i = 0; i < plane; ++i) f(ch, (b * c + ch) * plane + i);
}

}  // namespace

void channel_sums(const Tensor& x, const Tensor* mean, Tensor& sum) {
  std::vector<double> acc(sum.numel(), 0.0);
  const float* p = x.data();
  if (mean) {
    const float* m = mean->data();
    for_each_element(x, [&](int64_t ch, int64_t i) {
      double d = p[i] - m[ch];
      acc[ch] += d * d;
    });
  } else {
    for_each_element(x, [&](int64_t ch, int64_t i) { acc[ch] += p[i]; });
  }
  for (int64_t ch = 0; ch < sum.numel(); ++ch) sum.data()[ch] = static_cast<float>(acc[ch]);
}

void batchnorm_backward_data_from_sums(const Tensor& x, const Tensor& dy, const Tensor& scale,
                                       const Tensor& mean, const Tensor& var, const Tensor& sum_dy,
                                       const Tensor& sum_dy_xhat, double count, Tensor& dx,
                                       float eps) {
  int64_t c = scale.numel();
  std::vector<float> rstd(c), mean_dy(c), mean_dy_xhat(c);
  for (int64_t ch = 0; ch < c; ++ch) {
    rstd[ch] = 1.0f / std::sqrt(var.data()[ch] + eps);
    mean_dy[ch] = static_cast<float>(sum_dy.data()[ch] / count);
    mean_dy_xhat[ch] = static_cast<float>(sum_dy_xhat.data()[ch] / count);
  }
  const float *px = x.data(), *pdy = dy.data(), *m = mean.data(), *g = scale.data();
  float* pdx = dx.data();
  for_each_element(x, [&](int64_t ch, int64_t i) {
    float xhat = (px[i] - m[ch]) * rstd[ch];
    pdx[i] = g[ch] * rstd[ch] * (pdy[i] - mean_dy[ch] - xhat * mean_dy_xhat[ch]);
  });
}

void mean_from_sums(const Tensor& sum, double count, Tensor& mean) {
  const float* s = sum.data();
  float* m = mean.data();
  for (int64_t ch = 0; ch < mean.numel(); ++ch) m[ch] = static_cast<float>(s[ch] / count);
}

}  // namespace latent::cpu
