#pragma once
// The class as an input of a network (the conditional kinds, cvae and cgan). Every network of a
// conditional model sees the class of each row:
//  - a flat input (an MLP's sample, a decoder's or generator's code z) gets it as one-hot
//    features after its own: [N, D + K];
//  - an image input of a convolutional encoder or discriminator gets it as label planes, one per
//    class, all ones on the row's class and zeros elsewhere: [N, C + K, H, W].
// Label planes put the class in front of every nonlinearity of the network, as a cDCGAN does, at
// the price of K more input channels in its first convolution; no parameters of their own. The
// one-hot / planes are made on the host from the host labels and copied over, as the
// classifier's labels are.
#include <vector>

#include "runtime/tensor.hpp"

namespace latent {

class Conditioning {
 public:
  Conditioning(int64_t classes, Device device) : classes_(classes), device_(device) {}
  int64_t classes() const { return classes_; }

  // The classes of the rows of the next joins; UserError naming the row (first_index + i) of a
  // label outside 0..classes-1.
  void set_labels(const std::vector<int>& labels, uint64_t first_index = 0);
  const std::vector<int>& labels() const { return labels_; }

  // x's rows (any shape, N first) as flat values followed by their one-hot classes, into
  // `joint` (each network input its own: layers keep a view of their input for backward).
  const Tensor& join_one_hot(const Tensor& x, Tensor& joint);
  // x [N, C, H, W] (nchw) followed by one plane per class.
  const Tensor& join_planes(const Tensor& x, Tensor& joint);
  // join_planes for images of a convolutional network, join_one_hot otherwise.
  const Tensor& join(const Tensor& x, bool images, Tensor& joint);
  // The part of a joint's gradient [N, D + K] or [N, C + K, H, W] that belongs to x (its first
  // D values per row), into `dx` of x's shape.
  void split_gradient(const Tensor& djoint, Tensor& dx) const;

 private:
  const Tensor& join_repeated(const Tensor& x, int64_t repeat, Tensor& joint);

  int64_t classes_;
  Device device_;
  std::vector<int> labels_;
  std::vector<float> host_;  // the one-hot or planes, built here
  Tensor classes_tensor_;
};

// An input of `sample` values per row (flat, or (C, H, W) for a convolutional network) with the
// class joined: (D + K) or (C + K, H, W). The network is built for this shape.
Shape conditioned_shape(const Shape& sample, int64_t classes, bool images);

}  // namespace latent
