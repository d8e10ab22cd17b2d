#include "models/conditioning.hpp"

#include <algorithm>
#include <string>

#include "runtime/error.hpp"
#include "runtime/ops.hpp"

namespace latent {

void Conditioning::set_labels(const std::vector<int>& labels, uint64_t first_index) {
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] < 0 || labels[i] >= classes_)
      throw UserError("sample " + std::to_string(first_index + i) + " has label " +
                      std::to_string(labels[i]) + ", but the model has " +
                      std::to_string(classes_) + " classes (0.." + std::to_string(classes_ - 1) +
                      "; --num-classes)");
  labels_ = labels;
}

const Tensor& Conditioning::join_repeated(const Tensor& x, int64_t repeat, Tensor& joint) {
  const int64_t n = x.dim(0), own = x.shape().per_sample(), width = classes_ * repeat;
  if (static_cast<int64_t>(labels_.size()) != n)
    throw UserError("a conditional model needs the class of each of the " + std::to_string(n) +
                    " rows; it was given " + std::to_string(labels_.size()) +
                    " (the data's labels: --labels-dataset)");
  host_.assign(static_cast<size_t>(n * width), 0.0f);
  for (int64_t i = 0; i < n; ++i)
    std::fill_n(host_.begin() + i * width + labels_[i] * repeat, repeat, 1.0f);
  classes_tensor_.resize(Shape{n, width}, device_);
  ops::copy_from_host(host_.data(), classes_tensor_);
  Tensor flat = x.view();
  flat.reshape(Shape{n, own});
  joint.resize(Shape{n, own + width}, device_);
  ops::copy_columns(flat, 0, joint, 0, own);
  ops::copy_columns(classes_tensor_, 0, joint, own, width);
  return joint;
}

const Tensor& Conditioning::join_one_hot(const Tensor& x, Tensor& joint) {
  return join_repeated(x, 1, joint);
}

const Tensor& Conditioning::join_planes(const Tensor& x, Tensor& joint) {
  const Shape& s = x.shape();
  join_repeated(x, s[2] * s[3], joint);
  joint.reshape(Shape{s[0], s[1] + classes_, s[2], s[3]});
  return joint;
}

const Tensor& Conditioning::join(const Tensor& x, bool images, Tensor& joint) {
  return images ? join_planes(x, joint) : join_one_hot(x, joint);
}

void Conditioning::split_gradient(const Tensor& djoint, Tensor& dx) const {
  const int64_t n = djoint.dim(0), own = dx.shape().per_sample();
  Tensor joint = djoint.view(), part = dx.view();
  joint.reshape(Shape{n, djoint.shape().per_sample()});
  part.reshape(Shape{n, own});
  ops::copy_columns(joint, 0, part, 0, own);
}

Shape conditioned_shape(const Shape& sample, int64_t classes, bool images) {
  if (images) return Shape{sample[0] + classes, sample[1], sample[2]};
  return Shape{sample.numel() + classes};
}

}  // namespace latent
