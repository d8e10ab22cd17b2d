// Batch statistics read by layers and models: synchronised batch norm's mean from the summed
// channel sums, and a discriminator's verdicts on its logits.
#include <cmath>

#include "runtime/cuda/cuda_ops.hpp"
#include "runtime/cuda/launch.cuh"
#include "runtime/cuda/reduce.cuh"

namespace latent::cuda {

void mean_from_sums(const Tensor& sum, double count, Tensor& mean) {
  const float* s = sum.data();
  float* m = mean.data();
  const int64_t n = mean.numel();
  if (n == 0) return;
  auto divide = [=] __device__(int64_t ch) { m[ch] = static_cast<float>(s[ch] / count); };
  for_each_index(n, divide, "mean_from_sums");
}

void sum_sigmoid(const Tensor& z, double* total) {
  const float* p = z.data();
  reduce_sum(
      z.numel(),
      [=] __device__(int64_t i) { return 1.0 / (1.0 + static_cast<double>(expf(-p[i]))); }, total);
}

// A count in double is exact below 2^53.
void count_sign(const Tensor& z, bool positive, double* total) {
  const float* p = z.data();
  reduce_sum(
      z.numel(), [=] __device__(int64_t i) { return (positive ? p[i] > 0 : p[i] < 0) ? 1.0 : 0.0; },
      total);
}

}  // namespace latent::cuda
