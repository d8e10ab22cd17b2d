#include "layers/linear.hpp"

#include <cmath>
#include <stdexcept>

#include "runtime/ops.hpp"

namespace latent {

Linear::Linear(int64_t in_features, int64_t out_features, bool bias)
    : in_(in_features), out_(out_features), has_bias_(bias) {
  weight_ = {"weight", Tensor(Shape{out_, in_}), Tensor(Shape{out_, in_})};
  if (has_bias_) bias_ = {"bias", Tensor(Shape{out_}), Tensor(Shape{out_})};
}

// PyTorch's default: U(-1/√fan_in, 1/√fan_in) for weight and bias.
void Linear::init_params(const CounterRng& rng) {
  float bound = 1.0f / std::sqrt(static_cast<float>(in_));
  rng.fill_uniform_range(weight_.value, -bound, bound);
  if (has_bias_) rng.fill_uniform_range(bias_.value, -bound, bound, 1);
}

std::vector<Param*> Linear::params() {
  if (has_bias_) return {&weight_, &bias_};
  return {&weight_};
}

Shape Linear::output_shape(const Shape& in) const {
  if (in.per_sample() != in_)
    throw std::invalid_argument("linear: input " + in.str() + " has " +
                                std::to_string(in.per_sample()) +
                                " features per sample, expected " + std::to_string(in_));
  return Shape{in[0], out_};
}

namespace {

// A [rows, C·H·W] matrix seen as [rows, C, H, W], stored channels-last or not.
Tensor as_image_rows(const Tensor& t, const Shape& image, bool channels_last) {
  Tensor v = t.view();
  v.set_channels_last(false);
  v.reshape(Shape{t.dim(0), image[1], image[2], image[3]});
  v.set_channels_last(channels_last);
  return v;
}

// A tensor's values as a [rows, cols] matrix, whatever layout flag it carries.
Tensor as_matrix(const Tensor& t, int64_t rows, int64_t cols) {
  Tensor v = t.view();
  v.set_channels_last(false);
  v.reshape(Shape{rows, cols});
  return v;
}

}  // namespace

const Tensor& Linear::weight_for_input() {
  if (!x_channels_last_) return weight_.value;
  w_hwc_.set_channels_last(false);
  w_hwc_.resize(Shape{out_, in_}, weight_.value.device());
  Tensor hwc = as_image_rows(w_hwc_, x_shape_, true);
  ops::copy_layout(as_image_rows(weight_.value, x_shape_, false), hwc);
  return w_hwc_;
}

const Tensor& Linear::forward(const Tensor& x, const PassContext&) {
  Shape out = output_shape(x.shape());
  x_shape_ = x.shape();
  x_channels_last_ = x.channels_last();
  x_ = as_matrix(x, x.dim(0), in_);
  y_.resize(out, x.device());
  const Tensor* bias = has_bias_ ? &bias_.value : nullptr;
  if (activation_ != ops::Activation::kLinear)
    ops::matmul_activated(x_, false, weight_for_input(), true, y_, bias, activation_, alpha_,
                          math_);
  else
    ops::matmul(x_, false, weight_for_input(), true, y_, false, bias, math_);
  return y_;
}

const Tensor& Linear::backward(const Tensor& dy, bool need_dx) {
  if (param_grads_) {
    if (!x_channels_last_) {
      ops::matmul(dy, true, x_, false, weight_.grad, true, nullptr, math_);  // dW += dyᵀ · x
    } else {  // the same in the input's column order, then added back in W's
      dw_hwc_.resize(Shape{out_, in_}, dy.device());
      ops::matmul(dy, true, x_, false, dw_hwc_, false, nullptr, math_);
      dw_chw_.resize(Shape{out_, in_}, dy.device());
      Tensor chw = as_image_rows(dw_chw_, x_shape_, false);
      ops::copy_layout(as_image_rows(dw_hwc_, x_shape_, true), chw);
      ops::axpy(1.0f, dw_chw_, weight_.grad);
    }
    if (has_bias_) ops::sum_rows(dy, bias_.grad, true);  // db += Σ_n dy
  }
  if (need_dx) {
    dx_.set_channels_last(false);
    dx_.resize(x_shape_, x_.device());
    // dx = dy · W (in the input's column order: channels-last when it was)
    Tensor dx_rows = as_matrix(dx_, x_shape_[0], in_);
    ops::matmul(dy, false, x_channels_last_ ? w_hwc_ : weight_.value, false, dx_rows, false,
                nullptr, math_);
    dx_.set_channels_last(x_channels_last_);
  }
  return dx_;
}

}  // namespace latent
