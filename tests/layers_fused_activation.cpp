// FusedActivation.*: a Conv2d or Linear followed by ReLU / leaky ReLU in one Sequential applies
// the activation as it writes its output (a oneDNN post-op), and the activation layer passes data
// through. The pair must compute what the two layers compute apart (each is grad-checked on its
// own in GradCheck.*): outputs, input gradients and parameter gradients.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>

#include "layers/activation.hpp"
#include "layers/conv2d.hpp"
#include "layers/linear.hpp"
#include "layers/sequential.hpp"
#include "runtime/ops.hpp"
#include "runtime/rng.hpp"

namespace latent {
namespace {

std::unique_ptr<Conv2d> conv(int64_t in, bool channels_last) {
  auto layer = std::make_unique<Conv2d>(in, 16, 4, 2, 1);
  layer->set_channels_last(channels_last);
  layer->init_params(CounterRng(7, 1));
  return layer;
}

void expect_close(const Tensor& a, const Tensor& b, const std::string& what) {
  ASSERT_TRUE(a.shape() == b.shape()) << what;
  ASSERT_EQ(a.channels_last(), b.channels_last()) << what;
  double worst = 0;
  for (int64_t i = 0; i < a.numel(); ++i)
    worst = std::max(worst, static_cast<double>(std::fabs(a.data()[i] - b.data()[i]) /
                                                (1.0f + std::fabs(a.data()[i]))));
  EXPECT_LT(worst, 1e-5) << what;
}

// The layer made by make_layer (twice: the same parameters), with activation f after it, on x.
void expect_fused_matches_separate(const std::function<std::unique_ptr<Layer>()>& make_layer,
                                   const Tensor& x, ops::Activation f, float alpha,
                                   const std::string& layer_name) {
  const std::string what = layer_name + (f == ops::Activation::kRelu ? " relu" : " leaky relu");
  // Apart: the layer alone, then the activation as a layer of its own.
  auto apart = make_layer();
  Activation act_apart(f, alpha);
  // Together: one Sequential, where the layer takes the activation over.
  Sequential together;
  together.add(make_layer()).emplace<Activation>(f, alpha);

  PassContext ctx;
  const Tensor& y_apart = act_apart.forward(apart->forward(x, ctx), ctx);
  const Tensor& y_together = together.forward(x, ctx);
  expect_close(y_apart, y_together, what + ": output");
  // The activation passed the layer's output on: the same memory, written once.
  EXPECT_EQ(y_together.data(), together.layer(0).forward(x, ctx).data()) << what;

  Tensor dy(y_apart.shape());
  dy.set_channels_last(y_apart.channels_last());
  CounterRng(4, 3).fill_normal(dy, 0);
  for (Param* p : apart->params()) p->grad.zero();
  for (Param* p : together.params()) p->grad.zero();
  const Tensor& dx_apart = apart->backward(act_apart.backward(dy, true), true);
  const Tensor& dx_together = together.backward(dy, true);
  expect_close(dx_apart, dx_together, what + ": input gradient");
  auto pa = apart->params(), pt = together.params();
  ASSERT_EQ(pa.size(), pt.size());
  for (size_t i = 0; i < pa.size(); ++i)
    expect_close(pa[i]->grad, pt[i]->grad, what + ": gradient of parameter " + std::to_string(i));
}

void expect_fused_conv_matches_separate(int64_t in_channels, bool channels_last, ops::Activation f,
                                        float alpha) {
  Tensor x(Shape{5, in_channels, 12, 12});
  CounterRng(3, 2).fill_normal(x, 0);
  expect_fused_matches_separate(
      [&] { return conv(in_channels, channels_last); }, x, f, alpha,
      "conv C=" + std::to_string(in_channels) + (channels_last ? " channels-last" : " nchw"));
}

TEST(FusedActivation, ConvolutionWithReluMatchesTheLayersApart) {
  for (int64_t c : {1, 3})  // 1 channel, channels-last: the im2col matmul with its post-op
    for (bool channels_last : {false, true}) {
      expect_fused_conv_matches_separate(c, channels_last, ops::Activation::kLeakyRelu, 0.2f);
      expect_fused_conv_matches_separate(c, channels_last, ops::Activation::kRelu, 0.0f);
    }
}

TEST(FusedActivation, LinearWithReluMatchesTheLayersApart) {
  auto linear = [] {
    auto layer = std::make_unique<Linear>(37, 23);
    layer->init_params(CounterRng(7, 1));
    return layer;
  };
  Tensor x(Shape{9, 37});
  CounterRng(3, 2).fill_normal(x, 0);
  expect_fused_matches_separate(linear, x, ops::Activation::kLeakyRelu, 0.2f, "linear");
  expect_fused_matches_separate(linear, x, ops::Activation::kRelu, 0.0f, "linear");
  // Without a bias too, and from a channels-last image (a discriminator's flatten → linear).
  auto unbiased = [] {
    auto layer = std::make_unique<Linear>(3 * 4 * 4, 6, false);
    layer->init_params(CounterRng(7, 1));
    return layer;
  };
  Tensor image(Shape{4, 3, 4, 4});
  image.set_channels_last(true);
  CounterRng(5, 2).fill_normal(image, 0);
  expect_fused_matches_separate(unbiased, image, ops::Activation::kRelu, 0.0f,
                                "unbiased linear on channels-last input");
}

TEST(FusedActivation, OnlyReluKindsAreTakenOver) {
  Conv2d layer(2, 4, 3);
  EXPECT_FALSE(layer.absorb_activation(ops::Activation::kTanh, 0.0f));
  EXPECT_FALSE(layer.absorb_activation(ops::Activation::kSigmoid, 0.0f));
  EXPECT_FALSE(layer.absorb_activation(ops::Activation::kLeakyRelu, -0.5f));
  ConvTranspose2d transposed(2, 4, 3);
  EXPECT_FALSE(transposed.absorb_activation(ops::Activation::kRelu, 0.0f));
  Linear linear(3, 2);
  EXPECT_FALSE(linear.absorb_activation(ops::Activation::kSigmoid, 0.0f));
  // A tanh after a convolution stays a layer of its own.
  Sequential net;
  net.emplace<Conv2d>(2, 4, 3).emplace<Activation>(ops::Activation::kTanh);
  Tensor x(Shape{2, 2, 6, 6});
  CounterRng(1, 1).fill_normal(x, 0);
  PassContext ctx;
  const Tensor& y = net.forward(x, ctx);
  EXPECT_NE(y.data(), net.layer(0).forward(x, ctx).data());
}

}  // namespace
}  // namespace latent
