#pragma once
// Cuts a decoder's output to the data's size: y = x[:, :, t : t+h, l : l+w], the centred
// window (t = (H - h) / 2, l = (W - w) / 2, rounded down). A decoder of k up-sampling layers
// makes sides that are multiples of 2^k; images whose sides are not come out of it a few
// pixels larger and are cropped here. No parameters; the input gradient is dy in the window,
// zero around it. nchw input (the output layer of a decoder writes nchw).
#include "layers/layer.hpp"

namespace latent {

class Crop2d : public Layer {
 public:
  Crop2d(int64_t height, int64_t width) : h_(height), w_(width) {}
  std::string kind() const override { return "crop2d"; }
  const Tensor& forward(const Tensor& x, const PassContext& ctx) override;
  const Tensor& backward(const Tensor& dy, bool need_dx) override;
  Shape output_shape(const Shape& in) const override;

 private:
  int64_t top(const Shape& in) const { return (in[2] - h_) / 2; }
  int64_t left(const Shape& in) const { return (in[3] - w_) / 2; }

  int64_t h_, w_;
  Shape in_shape_;
  Tensor y_, dx_;
};

}  // namespace latent
