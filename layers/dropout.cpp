#include "layers/dropout.hpp"

#include <stdexcept>

#include "runtime/ops.hpp"

namespace latent {

Dropout::Dropout(float p, StreamId stream) : p_(p), stream_(stream) {
  if (!(p >= 0.0f && p < 1.0f))
    throw std::invalid_argument("dropout: probability " + std::to_string(p) + " not in [0, 1)");
}

const Tensor& Dropout::forward(const Tensor& x, const PassContext& ctx) {
  train_ = ctx.train && p_ > 0.0f;
  if (!train_) {
    y_ = x.view();
    return y_;
  }
  if (!y_.owns_storage()) y_ = Tensor();  // drop a view left by an inference pass
  mask_.resize(x.shape(), x.device());
  y_.resize(x.shape(), x.device());
  mask_.set_channels_last(x.channels_last());  // draws go by element in any layout
  y_.set_channels_last(x.channels_last());
  CounterRng(ctx.seed, stream_).fill_dropout_mask(mask_, ctx.first_sample, p_);
  ops::mul(x, mask_, y_);
  return y_;
}

const Tensor& Dropout::backward(const Tensor& dy, bool) {
  if (!train_) {
    dx_ = dy.view();
    return dx_;
  }
  if (!dx_.owns_storage()) dx_ = Tensor();
  dx_.resize(dy.shape(), dy.device());
  dx_.set_channels_last(dy.channels_last());
  ops::mul(dy, mask_, dx_);
  return dx_;
}

}  // namespace latent
