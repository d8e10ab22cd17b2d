#include "layers/activation.hpp"

#include <stdexcept>

namespace latent {

std::string Activation::kind() const {
  switch (f_) {
    case ops::Activation::kRelu:
      return "relu";
    case ops::Activation::kLeakyRelu:
      return "leaky_relu";
    case ops::Activation::kSigmoid:
      return "sigmoid";
    case ops::Activation::kTanh:
      return "tanh";
    case ops::Activation::kLinear:
      break;
  }
  return "linear";
}

const Tensor& Activation::forward(const Tensor& x, const PassContext&) {
  x_ = x.view();
  if (input_activated_) {
    y_ = x.view();
    return y_;
  }
  y_.resize(x.shape(), x.device());
  y_.set_channels_last(x.channels_last());
  ops::eltwise_forward(f_, alpha_, x, y_);
  return y_;
}

const Tensor& Activation::backward(const Tensor& dy, bool need_dx) {
  if (!need_dx) return dx_;
  dx_.resize(x_.shape(), x_.device());
  dx_.set_channels_last(x_.channels_last());
  ops::eltwise_backward(f_, alpha_, x_, dy, dx_);
  return dx_;
}

ops::Activation parse_activation(const std::string& name) {
  if (name == "relu") return ops::Activation::kRelu;
  if (name == "leaky-relu" || name == "leaky_relu") return ops::Activation::kLeakyRelu;
  if (name == "sigmoid") return ops::Activation::kSigmoid;
  if (name == "tanh") return ops::Activation::kTanh;
  if (name == "linear") return ops::Activation::kLinear;
  throw std::invalid_argument("activation '" + name +
                              "' (expected relu, leaky-relu, sigmoid, tanh or linear)");
}

}  // namespace latent
