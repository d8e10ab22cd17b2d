// ChannelsLast.*: convolution layers that keep their outputs channels-last (NHWC in memory)
// compute what the nchw path computes: the same outputs, input gradients and parameter
// gradients, through batch norm, activations, the 1-channel image edges and a flatten. The nchw
// path itself is what GradCheck.* and Reference.* check.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "layers/activation.hpp"
#include "layers/batchnorm.hpp"
#include "layers/conv2d.hpp"
#include "layers/linear.hpp"
#include "layers/reshape.hpp"
#include "layers/sequential.hpp"
#include "runtime/ops.hpp"
#include "runtime/rng.hpp"

namespace latent {
namespace {

template <class Conv>
std::unique_ptr<Layer> conv(int64_t in, int64_t out, bool channels_last) {
  auto layer = std::make_unique<Conv>(in, out, 4, 2, 1);
  layer->set_channels_last(channels_last);
  return layer;
}

// Encoder and decoder of the conv models, at small widths: 1 → 16 → 32 channels and back to 1.
std::unique_ptr<Sequential> autoencoder(bool channels_last) {
  auto net = std::make_unique<Sequential>();
  net->add(conv<Conv2d>(1, 16, channels_last)).emplace<BatchNorm>(16);
  net->emplace<Activation>(ops::Activation::kLeakyRelu, 0.2f);
  net->add(conv<Conv2d>(16, 32, channels_last));
  net->emplace<Activation>(ops::Activation::kLeakyRelu, 0.2f);
  net->add(conv<ConvTranspose2d>(32, 16, channels_last)).emplace<BatchNorm>(16);
  net->emplace<Activation>(ops::Activation::kRelu, 0.0f);
  net->add(conv<ConvTranspose2d>(16, 1, false));  // the image: nchw, from channels-last input
  return net;
}

// The discriminator's end and the generator's start: flatten after, reshape before.
std::unique_ptr<Sequential> flatten_and_back(bool channels_last) {
  auto net = std::make_unique<Sequential>();
  net->add(conv<Conv2d>(1, 16, channels_last));
  net->add(make_flatten()).emplace<Linear>(16 * 4 * 4, 16 * 4 * 4);
  net->emplace<Reshape>(std::vector<int64_t>{16, 4, 4});
  net->add(conv<ConvTranspose2d>(16, 8, channels_last));
  net->emplace<Activation>(ops::Activation::kTanh, 0.0f);
  net->add(conv<Conv2d>(8, 4, false));
  return net;
}

// The value of element [n, c, h, w] of a 4-d tensor, whatever its layout; flat otherwise.
float at(const Tensor& t, int64_t i) {
  if (!t.channels_last()) return t.data()[i];
  const int64_t c = t.dim(1), hw = t.dim(2) * t.dim(3);
  const int64_t n = i / (c * hw), ch = (i / hw) % c, p = i % hw;
  return t.data()[(n * hw + p) * c + ch];
}

void expect_same(const Tensor& plain, const Tensor& other, const std::string& what) {
  ASSERT_TRUE(plain.shape() == other.shape()) << what;
  double worst = 0;
  for (int64_t i = 0; i < plain.numel(); ++i)
    worst = std::max(worst, static_cast<double>(std::fabs(at(plain, i) - at(other, i)) /
                                                (1.0f + std::fabs(at(plain, i)))));
  EXPECT_LT(worst, 1e-4) << what;  // the two layouts run different kernels: summation order
}

void expect_layouts_agree(const std::function<std::unique_ptr<Sequential>(bool)>& make,
                          const Shape& input) {
  auto plain = make(false), last = make(true);
  plain->init_params(CounterRng(7, 1));
  last->init_params(CounterRng(7, 1));
  Tensor x(input);
  CounterRng(3, 2).fill_normal(x, 0);
  PassContext ctx;
  const Tensor& y_plain = plain->forward(x, ctx);
  const Tensor& y_last = last->forward(x, ctx);
  expect_same(y_plain, y_last, "output");
  Tensor dy(y_plain.shape());
  CounterRng(4, 3).fill_normal(dy, 0);
  for (auto* net : {plain.get(), last.get()})
    for (Param* p : net->params()) p->grad.zero();
  const Tensor& dx_plain = plain->backward(dy, true);
  const Tensor& dx_last = last->backward(dy, true);
  expect_same(dx_plain, dx_last, "input gradient");
  auto pp = plain->params(), pl = last->params();
  ASSERT_EQ(pp.size(), pl.size());
  for (size_t i = 0; i < pp.size(); ++i)
    expect_same(pp[i]->grad, pl[i]->grad, "gradient of parameter " + std::to_string(i));
}

TEST(ChannelsLast, ConvBatchNormActivationsAndImageEdgesMatchNchw) {
  expect_layouts_agree(autoencoder, Shape{6, 1, 16, 16});
}

TEST(ChannelsLast, FlattenAndReshapeKeepChwOrder) {
  expect_layouts_agree(flatten_and_back, Shape{5, 1, 8, 8});
}

TEST(ChannelsLast, CopyLayoutRoundTrips) {
  Tensor x(Shape{2, 3, 4, 5}), cl(Shape{2, 3, 4, 5}), back(Shape{2, 3, 4, 5});
  for (int64_t i = 0; i < x.numel(); ++i) x.data()[i] = static_cast<float>(i);
  cl.set_channels_last(true);
  ops::copy_layout(x, cl);
  EXPECT_EQ(cl.data()[1], 20.0f);  // [0, 1, 0, 0] follows [0, 0, 0, 0] in memory
  for (int64_t i = 0; i < x.numel(); ++i) EXPECT_EQ(at(cl, i), x.data()[i]);
  ops::copy_layout(cl, back);
  for (int64_t i = 0; i < x.numel(); ++i) EXPECT_EQ(back.data()[i], x.data()[i]);
  EXPECT_THROW(cl.reshape(Shape{2, 60}), std::logic_error);
}

}  // namespace
}  // namespace latent
