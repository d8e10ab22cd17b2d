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

 private:
  ops::Activation f_;
  float alpha_;
  Tensor x_, y_, dx_;
};

// Names the config uses: relu, leaky-relu, sigmoid, tanh, linear. Throws on anything else.
ops::Activation parse_activation(const std::string& name);

}  // namespace latent
