#pragma once
// Elementwise activations: ReLU, LeakyReLU(α), Sigmoid, Tanh, and the identity (linear).
#include "layers/layer.hpp"
#include "runtime/ops.hpp"

namespace latent {

class Activation : public Layer {
 public:
  explicit Activation(ops::Activation f, float alpha = 0.0f) : f_(f), alpha_(alpha) {}
  std::string kind() const override;
  const Tensor& forward(const Tensor& x, const PassContext& ctx) override;
  const Tensor& backward(const Tensor& dy, bool need_dx) override;
  Shape output_shape(const Shape& in) const override { return in; }
  ops::Activation function() const { return f_; }
  float alpha() const { return alpha_; }
  // The layer before applies f already (Layer::absorb_activation): forward passes its input
  // on, and backward takes f' from that output, which for ReLU gives the same as the input.
  void set_input_activated(bool on) { input_activated_ = on; }

 private:
  ops::Activation f_;
  float alpha_;
  bool input_activated_ = false;
  Tensor x_, y_, dx_;
};

// Names the config uses: relu, leaky-relu, sigmoid, tanh, linear. Throws on anything else.
ops::Activation parse_activation(const std::string& name);

}  // namespace latent
