#include "launch/through_model.hpp"

#include <algorithm>

#include "runtime/host_staging.hpp"

namespace latent {

const Tensor& ThroughModel::images(const Tensor& input) {
  model_.as_encoder()->encode(input, codes_, nullptr);
  model_.as_decoder()->decode(codes_, images_);
  return on_host(images_, host_images_);
}

void per_sample_mse(const Tensor& a, const Tensor& b, std::vector<float>& out) {
  const int64_t n = a.dim(0), per = a.numel() / std::max<int64_t>(1, n);
  out.assign(n, 0.0f);
  for (int64_t i = 0; i < n; ++i) {
    double sum = 0;
    for (int64_t j = 0; j < per; ++j) {
      double d = a.data()[i * per + j] - b.data()[i * per + j];
      sum += d * d;
    }
    out[i] = static_cast<float>(sum / per);
  }
}

}  // namespace latent
