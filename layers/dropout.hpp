#pragma once
// Inverted dropout: in training each element is zeroed with probability p and the rest scaled
// by 1/(1-p); in inference it is the identity. The mask of sample i is drawn from the
// counter-based RNG keyed by its global index, so it does not depend on the batch split.
#include "layers/layer.hpp"

namespace latent {

class Dropout : public Layer {
 public:
  // `stream` separates this layer's masks from every other random use
  // (derive_stream(kStreamDropout, "<network>/<layer>")).
  Dropout(float p, StreamId stream);
  std::string kind() const override { return "dropout"; }
  const Tensor& forward(const Tensor& x, const PassContext& ctx) override;
  const Tensor& backward(const Tensor& dy, bool need_dx) override;
  Shape output_shape(const Shape& in) const override { return in; }

 private:
  float p_;
  StreamId stream_;
  bool train_ = false;
  Tensor mask_, y_, dx_;
};

}  // namespace latent
