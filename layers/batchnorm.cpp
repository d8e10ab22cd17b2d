#include "layers/batchnorm.hpp"

#include <stdexcept>

#include "layers/rank_sum.hpp"
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
  y_.resize(output_shape(x.shape()), x.device());
  y_.set_channels_last(x.channels_last());
  x_ = x.view();
  if (!ctx.train) {
    ops::batchnorm_forward_infer(x, scale_.value, shift_.value, running_mean_, running_var_, y_,
                                 eps_);
    return y_;
  }
  mean_.resize(Shape{channels_}, x.device());  // batch statistics live beside the batch
  var_.resize(Shape{channels_}, x.device());
  if (sum_ranks_) {
    count_ = global_statistics(x);
    ops::batchnorm_forward_infer(x, scale_.value, shift_.value, mean_, var_, y_, eps_);
  } else {
    count_ = static_cast<double>(x.numel() / channels_);
    ops::batchnorm_forward_train(x, scale_.value, shift_.value, y_, mean_, var_, eps_);
  }
  float unbias = count_ > 1 ? static_cast<float>(count_ / (count_ - 1)) : 1.0f;
  ops::scale(running_mean_, 1.0f - momentum_);
  ops::axpy(momentum_, mean_, running_mean_);
  ops::scale(running_var_, 1.0f - momentum_);
  ops::axpy(momentum_ * unbias, var_, running_var_);
  return y_;
}

// Two passes (Σx, then Σ(x - mean)²), each summed over ranks: no cancellation in the variance.
// The element count rides along with the first sums, and is read back: the host needs it.
double BatchNorm::global_statistics(const Tensor& x) {
  sums_.resize(Shape{channels_ + 1}, x.device());
  Tensor channel_part = sums_.slice(0, channels_),
         count_part = sums_.slice(channels_, channels_ + 1);
  ops::channel_sums(x, nullptr, channel_part);
  count_part.fill(static_cast<float>(x.numel() / channels_));
  sum_across_ranks(sum_ranks_, sums_, sums_.numel());
  float global_count = 0;
  ops::copy_to_host(count_part, &global_count);
  const double count = global_count;
  ops::mean_from_sums(channel_part, count, mean_);
  ops::channel_sums(x, &mean_, channel_part);
  sum_across_ranks(sum_ranks_, sums_, channels_);
  ops::mean_from_sums(channel_part, count, var_);
  return count;
}

const Tensor& BatchNorm::backward(const Tensor& dy, bool) {
  // Batch norm's parameter gradients come out of the same primitive as dx, so dx is computed
  // even for a first layer.
  dx_.resize(x_.shape(), x_.device());
  dx_.set_channels_last(x_.channels_last());
  if (!sum_ranks_) {
    ops::batchnorm_backward(x_, dy, scale_.value, mean_, var_, dx_, scale_.grad, shift_.grad, eps_);
    return dx_;
  }
  // This rank's Σ dy·x̂ and Σ dy (the parameter gradients, summed over ranks later with the
  // others); dx needs their global values.
  local_dscale_.resize(Shape{channels_}, x_.device());
  local_dshift_.resize(Shape{channels_}, x_.device());
  local_dscale_.zero();
  local_dshift_.zero();
  ops::batchnorm_backward(x_, dy, scale_.value, mean_, var_, dx_, local_dscale_, local_dshift_,
                          eps_);
  ops::axpy(1.0f, local_dscale_, scale_.grad);
  ops::axpy(1.0f, local_dshift_, shift_.grad);
  sum_across_ranks(sum_ranks_, local_dscale_, channels_);
  sum_across_ranks(sum_ranks_, local_dshift_, channels_);
  ops::batchnorm_backward_data_from_sums(x_, dy, scale_.value, mean_, var_, local_dshift_,
                                         local_dscale_, count_, dx_, eps_);
  return dx_;
}

}  // namespace latent
