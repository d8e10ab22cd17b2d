#include "layers/batchnorm.hpp"

#include <stdexcept>

#include "runtime/ops.hpp"

namespace latent {

BatchNorm::BatchNorm(int64_t channels, float momentum, float eps)
    : channels_(channels), momentum_(momentum), eps_(eps) {
  Shape c{channels};
  scale_ = {"scale", Tensor(c), Tensor(c)};
  shift_ = {"shift", Tensor(c), Tensor(c)};
  running_mean_ = Tensor(c);
  running_var_ = Tensor(c);
  mean_ = Tensor(c);
  var_ = Tensor(c);
  init_params(CounterRng(0, 0));
}

void BatchNorm::init_params(const CounterRng&) {
  scale_.value.fill(1.0f);
  shift_.value.zero();
  running_mean_.zero();
  running_var_.fill(1.0f);
}

std::vector<StateTensor> BatchNorm::state() {
  return {{"running_mean", &running_mean_}, {"running_var", &running_var_}};
}

Shape BatchNorm::output_shape(const Shape& in) const {
  if ((in.rank() != 2 && in.rank() != 4) || in[1] != channels_)
    throw std::invalid_argument("batchnorm: input " + in.str() + ", expected (N, " +
                                std::to_string(channels_) + ") or (N, " +
                                std::to_string(channels_) + ", H, W)");
  return in;
}

const Tensor& BatchNorm::forward(const Tensor& x, const PassContext& ctx) {
  y_.resize(output_shape(x.shape()));
  x_ = x.view();
  if (!ctx.train) {
    ops::batchnorm_forward_infer(x, scale_.value, shift_.value, running_mean_, running_var_, y_,
                                 eps_);
    return y_;
  }
  ops::batchnorm_forward_train(x, scale_.value, shift_.value, y_, mean_, var_, eps_);
  int64_t count = x.numel() / channels_;
  float unbias = count > 1 ? static_cast<float>(count) / (count - 1) : 1.0f;
  ops::scale(running_mean_, 1.0f - momentum_);
  ops::axpy(momentum_, mean_, running_mean_);
  ops::scale(running_var_, 1.0f - momentum_);
  ops::axpy(momentum_ * unbias, var_, running_var_);
  return y_;
}

const Tensor& BatchNorm::backward(const Tensor& dy, bool) {
  // Batch norm's parameter gradients come out of the same primitive as dx, so dx is computed
  // even for a first layer.
  dx_.resize(x_.shape());
  ops::batchnorm_backward(x_, dy, scale_.value, mean_, var_, dx_, scale_.grad, shift_.grad, eps_);
  return dx_;
}

}  // namespace latent
