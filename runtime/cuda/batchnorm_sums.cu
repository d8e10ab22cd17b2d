// Per-channel sums for synchronised batch norm (the ranks add them up), and the data gradient
// from the summed statistics: the CPU's float formulas, sums in double.
#include <cmath>

#include "runtime/cuda/channels.cuh"
#include "runtime/cuda/cuda_ops.hpp"

namespace latent::cuda {

void channel_sums(const Tensor& x, const Tensor* mean, Tensor& sum) {
  const float* p = x.data();
  const float* m = mean ? mean->data() : nullptr;
  float* s = sum.data();
  for_each_channel_sum(
      channel_layout(x),
      [=] __device__(int64_t ch, int64_t i) {
        if (!m) return static_cast<double>(p[i]);
        const double d = p[i] - m[ch];  // the difference in float, as the CPU takes it
        return d * d;
      },
      [=] __device__(int64_t ch, double total) { s[ch] = static_cast<float>(total); },
      "channel_sums");
}

void batchnorm_backward_data_from_sums(const Tensor& x, const Tensor& dy, const Tensor& scale,
                                       const Tensor& mean, const Tensor& var, const Tensor& sum_dy,
                                       const Tensor& sum_dy_xhat, double count, Tensor& dx,
                                       float eps) {
  const ChannelLayout l = channel_layout(x);
  const float *px = x.data(), *pdy = dy.data(), *g = scale.data(), *m = mean.data(),
              *v = var.data(), *sdy = sum_dy.data(), *sdx = sum_dy_xhat.data();
  float* pdx = dx.data();
  // The per-channel factors are recomputed per element (a few flops) rather than staged.
  for_each_index(
      x.numel(),
      [=] __device__(int64_t i) {
        const int64_t ch = l.channel_of(i);
        const float rstd = 1.0f / sqrtf(v[ch] + eps);
        const float mean_dy = static_cast<float>(sdy[ch] / count);
        const float mean_dy_xhat = static_cast<float>(sdx[ch] / count);
        const float xhat = (px[i] - m[ch]) * rstd;
        pdx[i] = g[ch] * rstd * (pdy[i] - mean_dy - xhat * mean_dy_xhat);
      },
      "batchnorm_backward_data_from_sums");
}

}  // namespace latent::cuda
