#pragma once
// Fully connected layer: y[N,O] = x[N,I] · Wᵀ + b, W [O,I]. Inputs of rank > 2 are flattened.
// Channels-last input [N,C,H,W] (a discriminator's last convolution, through a flatten) is read
// as it is stored, in H, W, C order: the weights' columns are put in that order instead, which
// moves O·I values rather than the batch's N·I (O < N for every flatten → linear the
// architectures build: 1 for D, the code width for encoders), and dx comes out channels-last.
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
  bool reads_channels_last() const override { return true; }
  // A ReLU after a linear layer (an MLP's hidden layers) is applied as y is written.
  bool absorb_activation(ops::Activation f, float alpha) override {
    if (!ops::activation_fuses(f, alpha)) return false;
    activation_ = f, alpha_ = alpha;
    return true;
  }

  void set_math(ops::Math math) override { math_ = math; }

  Param& weight() { return weight_; }
  Param& bias() { return bias_; }

 private:
  int64_t in_, out_;
  bool has_bias_;
  // The ReLU applied to y as it is written (kLinear: none).
  ops::Activation activation_ = ops::Activation::kLinear;
  float alpha_ = 0.0f;
  ops::Math math_ = ops::Math::kFp32;
  Param weight_, bias_;
  Tensor x_;       // view of the input (as [N,I]), kept for backward
  Shape x_shape_;  // the input's own shape, which dx takes
  bool x_channels_last_ = false;
  Tensor y_, dx_;
  // Channels-last input: W with columns in H, W, C order ([O,C,H,W] channels-last), and the
  // weight gradient computed in that order before it is put back into W's.
  Tensor w_hwc_, dw_hwc_, dw_chw_;
  const Tensor& weight_for_input();  // W, or W in the input's column order
};

}  // namespace latent
