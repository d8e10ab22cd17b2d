// Batch normalization: the statistics as sums in double (per channel, no atomics), the
// normalization and the backward pass through cuDNN (runtime/cuda/cudnn_legacy.cpp).
//
// Training does not use cuDNN's forward-training call: it reports the variance only as a running
// (unbiased) estimate or as 1/√(var + eps), and ops.hpp promises the biased batch variance.
#include <cmath>

#include "runtime/cuda/channels.cuh"
#include "runtime/cuda/cuda_ops.hpp"
#include "runtime/cuda/cudnn_legacy.hpp"
#include "runtime/cuda/device_allocator.hpp"

namespace latent::cuda {

void batchnorm_forward_train(const Tensor& x, const Tensor& scale, const Tensor& shift, Tensor& y,
                             Tensor& mean, Tensor& var, float eps) {
  const ChannelLayout l = channel_layout(x);
  const float* px = x.data();
  float *m = mean.data(), *v = var.data();
  const double count = static_cast<double>(l.count);
  // The mean kept in double for the variance pass.
  DeviceScratch exact_mean(l.channels * sizeof(double));
  double* md = exact_mean.as<double>();
  for_each_channel_sum(
      l, [=] __device__(int64_t, int64_t i) { return static_cast<double>(px[i]); },
      [=] __device__(int64_t ch, double total) {
        md[ch] = total / count;
        m[ch] = static_cast<float>(md[ch]);
      },
      "batchnorm_mean");
  for_each_channel_sum(
      l,
      [=] __device__(int64_t ch, int64_t i) {
        const double d = px[i] - md[ch];
        return d * d;
      },
      [=] __device__(int64_t ch, double total) { v[ch] = static_cast<float>(total / count); },
      "batchnorm_variance");
  dnn_batchnorm_infer(dims4(x), px, scale.data(), shift.data(), m, v, eps, y.data());
}

void batchnorm_forward_infer(const Tensor& x, const Tensor& scale, const Tensor& shift,
                             const Tensor& mean, const Tensor& var, Tensor& y, float eps) {
  dnn_batchnorm_infer(dims4(x), x.data(), scale.data(), shift.data(), mean.data(), var.data(), eps,
                      y.data());
}

void batchnorm_backward(const Tensor& x, const Tensor& dy, const Tensor& scale, const Tensor& mean,
                        const Tensor& var, Tensor& dx, Tensor& dscale, Tensor& dshift, float eps) {
  // cuDNN takes the forward's statistics as mean and 1/√(var + eps).
  const int64_t channels = x.dim(1);
  DeviceScratch inv(channels * sizeof(float));
  float* inv_std = inv.as<float>();
  const float* v = var.data();
  for_each_index(
      channels, [=] __device__(int64_t ch) { inv_std[ch] = 1.0f / sqrtf(v[ch] + eps); },
      "batchnorm_inv_std");
  dnn_batchnorm_backward(dims4(x), x.data(), dy.data(), scale.data(), mean.data(), inv_std, eps,
                         dx.data(), dscale.data(), dshift.data());
}

}  // namespace latent::cuda
