#include "layers/crop.hpp"

#include <stdexcept>

namespace latent {

Shape Crop2d::output_shape(const Shape& in) const {
  if (in.rank() != 4 || in[2] < h_ || in[3] < w_)
    throw std::invalid_argument("crop2d: input " + in.str() + " is smaller than the window " +
                                std::to_string(h_) + "x" + std::to_string(w_));
  return Shape{in[0], in[1], h_, w_};
}

const Tensor& Crop2d::forward(const Tensor& x, const PassContext&) {
  in_shape_ = x.shape();
  y_.resize(output_shape(in_shape_), x.device());
  ops::crop2d(x, top(in_shape_), left(in_shape_), y_);
  return y_;
}

const Tensor& Crop2d::backward(const Tensor& dy, bool need_dx) {
  if (!need_dx) return dx_;
  dx_.resize(in_shape_, dy.device());
  ops::crop2d_backward(dy, top(in_shape_), left(in_shape_), dx_);
  return dx_;
}

}  // namespace latent
