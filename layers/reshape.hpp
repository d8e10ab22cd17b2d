#pragma once
// Reshape each sample (Flatten is Reshape to one dimension). Output and input gradient are
// views: no data moves, except for channels-last input, which is relaid out to nchw first (so a
// flattened sample is always in C, H, W order) and its gradient back. A flatten whose next layer
// reads channels-last input itself (a linear layer) passes such input on as it is.
#include <memory>

#include "layers/layer.hpp"

namespace latent {

class Reshape : public Layer {
 public:
  // Per-sample target shape, e.g. {128, 7, 7}; empty means flatten.
  explicit Reshape(std::vector<int64_t> sample_shape) : sample_shape_(std::move(sample_shape)) {}
  std::string kind() const override { return sample_shape_.empty() ? "flatten" : "reshape"; }
  const Tensor& forward(const Tensor& x, const PassContext& ctx) override;
  const Tensor& backward(const Tensor& dy, bool need_dx) override;
  Shape output_shape(const Shape& in) const override;
  void set_next_reads_channels_last(bool on) override { next_reads_channels_last_ = on; }

 private:
  std::vector<int64_t> sample_shape_;
  Shape in_shape_;
  bool in_channels_last_ = false;
  bool next_reads_channels_last_ = false;
  Tensor y_, dx_, plain_, channels_last_dx_;
};

inline std::unique_ptr<Reshape> make_flatten() {
  return std::make_unique<Reshape>(std::vector<int64_t>{});
}

}  // namespace latent
