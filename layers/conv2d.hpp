#pragma once
// Convolution layers, square kernels, weights W[O,C,K,K], bias b[O]:
//   Conv2d           y[N,O,H',W'] = conv(x[N,C,H,W], W) + b,  H' = (H + 2p - K)/s + 1
//   ConvTranspose2d  the decoder's upsampling,               H' = (H-1)·s - 2p + K
// (transposed-convolution weights in oneDNN's deconvolution layout, O = output channels).
#include "layers/layer.hpp"
#include "runtime/ops.hpp"

namespace latent {

// What both share: parameters, shape checks, and forward/backward in terms of three ops.
class ConvLayerBase : public Layer {
 public:
  const Tensor& forward(const Tensor& x, const PassContext& ctx) override;
  const Tensor& backward(const Tensor& dy, bool need_dx) override;
  void init_params(const CounterRng& rng) override;
  std::vector<Param*> params() override;
  Shape output_shape(const Shape& in) const override;
  // Outputs stored channels-last (NHWC): the CPU's convolution kernels then run with no reorders
  // around them, and batch norm and activations keep the layout. Off by default.
  void set_channels_last(bool on) { channels_last_ = on; }
  void set_math(ops::Math math) override { g_.math = math; }

 protected:
  ConvLayerBase(int64_t in_channels, int64_t out_channels, int64_t kernel, int64_t stride,
                int64_t pad, bool bias);
  virtual int64_t out_size(int64_t in) const = 0;
  virtual int64_t fan_in() const = 0;
  virtual void op_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y) = 0;
  virtual void op_backward_data(const Tensor& dy, const Tensor& w, Tensor& dx) = 0;
  virtual void op_backward_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db) = 0;

  int64_t in_c_, out_c_, k_;
  ops::ConvGeometry g_;
  bool has_bias_;
  bool channels_last_ = false;
  Param weight_, bias_;
  Tensor x_, y_, dx_;
};

class Conv2d : public ConvLayerBase {
 public:
  Conv2d(int64_t in_channels, int64_t out_channels, int64_t kernel, int64_t stride = 1,
         int64_t pad = 0, bool bias = true)
      : ConvLayerBase(in_channels, out_channels, kernel, stride, pad, bias) {}
  std::string kind() const override { return "conv2d"; }
  bool absorb_activation(ops::Activation f, float alpha) override {
    if (!ops::activation_fuses(f, alpha)) return false;
    activation_ = f, alpha_ = alpha;
    return true;
  }

 private:
  // The ReLU applied to y as it is written (kLinear: none).
  ops::Activation activation_ = ops::Activation::kLinear;
  float alpha_ = 0.0f;
  int64_t out_size(int64_t in) const override { return ops::conv_out_size(in, k_, g_); }
  int64_t fan_in() const override { return in_c_ * k_ * k_; }
  void op_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y) override {
    if (activation_ != ops::Activation::kLinear)
      ops::conv2d_forward_activated(x, w, b, y, g_, activation_, alpha_);
    else
      ops::conv2d_forward(x, w, b, y, g_);
  }
  void op_backward_data(const Tensor& dy, const Tensor& w, Tensor& dx) override {
    ops::conv2d_backward_data(dy, w, dx, g_);
  }
  void op_backward_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db) override {
    ops::conv2d_backward_weights(x, dy, dw, db, g_);
  }
};

class ConvTranspose2d : public ConvLayerBase {
 public:
  ConvTranspose2d(int64_t in_channels, int64_t out_channels, int64_t kernel, int64_t stride = 1,
                  int64_t pad = 0, bool bias = true)
      : ConvLayerBase(in_channels, out_channels, kernel, stride, pad, bias) {}
  std::string kind() const override { return "conv_transpose2d"; }

 private:
  int64_t out_size(int64_t in) const override { return ops::deconv_out_size(in, k_, g_); }
  // PyTorch takes a transposed convolution's fan_in from its output channels.
  int64_t fan_in() const override { return out_c_ * k_ * k_; }
  void op_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y) override {
    ops::deconv2d_forward(x, w, b, y, g_);
  }
  void op_backward_data(const Tensor& dy, const Tensor& w, Tensor& dx) override {
    ops::deconv2d_backward_data(dy, w, dx, g_);
  }
  void op_backward_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db) override {
    ops::deconv2d_backward_weights(x, dy, dw, db, g_);
  }
};

}  // namespace latent
