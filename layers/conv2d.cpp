#include "layers/conv2d.hpp"

#include <cmath>
#include <stdexcept>

namespace latent {

ConvLayerBase::ConvLayerBase(int64_t in_channels, int64_t out_channels, int64_t kernel,
                             int64_t stride, int64_t pad, bool bias)
    : in_c_(in_channels), out_c_(out_channels), k_(kernel), g_{stride, pad}, has_bias_(bias) {
  Shape ws{out_c_, in_c_, k_, k_};
  weight_ = {"weight", Tensor(ws), Tensor(ws)};
  if (has_bias_) bias_ = {"bias", Tensor(Shape{out_c_}), Tensor(Shape{out_c_})};
}

// PyTorch's default for convolutions: U(-1/√fan_in, 1/√fan_in).
void ConvLayerBase::init_params(const CounterRng& rng) {
  float bound = 1.0f / std::sqrt(static_cast<float>(fan_in()));
  rng.fill_uniform_range(weight_.value, -bound, bound);
  if (has_bias_) rng.fill_uniform_range(bias_.value, -bound, bound, 1);
}

std::vector<Param*> ConvLayerBase::params() {
  if (has_bias_) return {&weight_, &bias_};
  return {&weight_};
}

Shape ConvLayerBase::output_shape(const Shape& in) const {
  if (in.rank() != 4 || in[1] != in_c_)
    throw std::invalid_argument(kind() + ": input " + in.str() + ", expected (N, " +
                                std::to_string(in_c_) + ", H, W)");
  Shape out{in[0], out_c_, out_size(in[2]), out_size(in[3])};
  if (out[2] <= 0 || out[3] <= 0)
    throw std::invalid_argument(kind() + ": input " + in.str() + " too small for kernel " +
                                std::to_string(k_));
  return out;
}

const Tensor& ConvLayerBase::forward(const Tensor& x, const PassContext&) {
  y_.resize(output_shape(x.shape()), x.device());
  y_.set_channels_last(channels_last_);
  x_ = x.view();
  op_forward(x_, weight_.value, has_bias_ ? &bias_.value : nullptr, y_);
  return y_;
}

const Tensor& ConvLayerBase::backward(const Tensor& dy, bool need_dx) {
  if (param_grads_) op_backward_weights(x_, dy, weight_.grad, has_bias_ ? &bias_.grad : nullptr);
  if (need_dx) {
    dx_.resize(x_.shape(), x_.device());
    dx_.set_channels_last(x_.channels_last());
    op_backward_data(dy, weight_.value, dx_);
  }
  return dx_;
}

}  // namespace latent
