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

const Tensor& Linear::forward(const Tensor& x, const PassContext&) {
  Shape out = output_shape(x.shape());
  x_shape_ = x.shape();
  x_ = x.view();
  x_.reshape(Shape{x.dim(0), in_});
  y_.resize(out, x.device());
  ops::matmul(x_, false, weight_.value, true, y_, false, has_bias_ ? &bias_.value : nullptr);
  return y_;
}

const Tensor& Linear::backward(const Tensor& dy, bool need_dx) {
  if (param_grads_) {
    ops::matmul(dy, true, x_, false, weight_.grad, true);  // dW += dyᵀ · x
    if (has_bias_) ops::sum_rows(dy, bias_.grad, true);    // db += Σ_n dy
  }
  if (need_dx) {
    dx_.resize(x_shape_, x_.device());
    ops::matmul(dy, false, weight_.value, false, dx_);  // dx = dy · W
  }
  return dx_;
}

}  // namespace latent
