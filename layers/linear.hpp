#pragma once
// Fully connected layer: y[N,O] = x[N,I] · Wᵀ + b, W [O,I]. Inputs of rank > 2 are flattened.
#include "layers/layer.hpp"

namespace latent {

class Linear : public Layer {
 public:
  Linear(int64_t in_features, int64_t out_features, bool bias = true);
  std::string kind() const override { return "linear"; }
  const Tensor& forward(const Tensor& x, const PassContext& ctx) override;
  const Tensor& backward(const Tensor& dy, bool need_dx) override;
  void init_params(const CounterRng& rng) override;
  std::vector<Param*> params() override;
  Shape output_shape(const Shape& in) const override;

  Param& weight() { return weight_; }
  Param& bias() { return bias_; }

 private:
  int64_t in_, out_;
  bool has_bias_;
  Param weight_, bias_;
  Tensor x_;       // view of the input (as [N,I]), kept for backward
  Shape x_shape_;  // the input's own shape, which dx takes
  Tensor y_, dx_;
};

}  // namespace latent
