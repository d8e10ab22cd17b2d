#include "layers/reshape.hpp"

#include <stdexcept>

#include "runtime/ops.hpp"

namespace latent {

Shape Reshape::output_shape(const Shape& in) const {
  if (sample_shape_.empty()) return Shape{in[0], in.per_sample()};
  Shape out;
  if (sample_shape_.size() == 1)
    out = Shape{in[0], sample_shape_[0]};
  else if (sample_shape_.size() == 2)
    out = Shape{in[0], sample_shape_[0], sample_shape_[1]};
  else if (sample_shape_.size() == 3)
    out = Shape{in[0], sample_shape_[0], sample_shape_[1], sample_shape_[2]};
  else
    throw std::invalid_argument("reshape: at most 3 dimensions per sample");
  if (out.per_sample() != in.per_sample())
    throw std::invalid_argument("reshape: input " + in.str() + " cannot become " + out.str());
  return out;
}

const Tensor& Reshape::forward(const Tensor& x, const PassContext&) {
  in_shape_ = x.shape();
  in_channels_last_ = x.channels_last();
  if (in_channels_last_ && sample_shape_.empty() && next_reads_channels_last_) {
    y_ = x.view();  // the linear layer after it reads the samples in C, H, W order itself
    in_channels_last_ = false;  // and its dx is channels-last already
    return y_;
  }
  if (in_channels_last_) {  // samples are reinterpreted in nchw order: relayout first
    plain_.resize(x.shape(), x.device());
    ops::copy_layout(x, plain_);
    y_ = plain_.view();
  } else {
    y_ = x.view();
  }
  y_.reshape(output_shape(x.shape()));
  return y_;
}

const Tensor& Reshape::backward(const Tensor& dy, bool) {
  dx_ = dy.view();
  dx_.reshape(in_shape_);
  if (!in_channels_last_) return dx_;
  channels_last_dx_.resize(in_shape_, dy.device());
  channels_last_dx_.set_channels_last(true);
  ops::copy_layout(dx_, channels_last_dx_);
  return channels_last_dx_;
}

}  // namespace latent
