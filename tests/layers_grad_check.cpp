// GradCheck.<Layer>: finite-difference checks of every layer's input and parameter gradients.
#include "grad_check.hpp"
#include "layers/activation.hpp"
#include "layers/batchnorm.hpp"
#include "layers/conv2d.hpp"
#include "layers/crop.hpp"
#include "layers/dropout.hpp"
#include "layers/linear.hpp"
#include "layers/reshape.hpp"
#include "layers/sequential.hpp"

namespace latent {
namespace {

using testing::expect_layer_gradients;
using testing::GradCheckOptions;

TEST(GradCheck, Linear) {
  Linear layer(7, 5);
  expect_layer_gradients(layer, Shape{4, 7});
}

TEST(GradCheck, LinearFlattensImages) {
  Linear layer(2 * 3 * 3, 4);
  expect_layer_gradients(layer, Shape{3, 2, 3, 3});
}

TEST(GradCheck, Conv2d) {
  Conv2d layer(3, 4, 3, 1, 1);
  expect_layer_gradients(layer, Shape{2, 3, 6, 6});
}

TEST(GradCheck, Conv2dStrided) {
  Conv2d layer(2, 3, 4, 2, 1);  // the DCGAN discriminator's downsampling
  expect_layer_gradients(layer, Shape{2, 2, 8, 8});
}

TEST(GradCheck, ConvTranspose2d) {
  ConvTranspose2d layer(3, 2, 3, 1, 1);
  expect_layer_gradients(layer, Shape{2, 3, 5, 5});
}

TEST(GradCheck, ConvTranspose2dStrided) {
  ConvTranspose2d layer(4, 2, 4, 2, 1);  // the DCGAN generator's upsampling
  expect_layer_gradients(layer, Shape{2, 4, 4, 4});
}

TEST(GradCheck, BatchNorm1d) {
  BatchNorm layer(5);
  expect_layer_gradients(layer, Shape{6, 5});
}

TEST(GradCheck, BatchNorm2d) {
  BatchNorm layer(3);
  expect_layer_gradients(layer, Shape{4, 3, 3, 3});
}

// 16 channels: the primitives run channel-blocked (nChw16c), reordered from and to nchw.
TEST(GradCheck, BatchNorm2dBlocked) {
  BatchNorm layer(16);
  expect_layer_gradients(layer, Shape{3, 16, 2, 3});
}

// The synchronised path (global sums); on one process the sum over ranks is the identity.
TEST(GradCheck, BatchNormSynced) {
  BatchNorm layer(3);
  layer.sync_batch_statistics([](float*, size_t) {});
  expect_layer_gradients(layer, Shape{4, 3, 3, 3});
}

TEST(GradCheck, ReLU) {
  Activation layer(ops::Activation::kRelu);
  GradCheckOptions o;
  o.kink_gap = 0.05;
  expect_layer_gradients(layer, Shape{4, 9}, o);
}

TEST(GradCheck, LeakyReLU) {
  Activation layer(ops::Activation::kLeakyRelu, 0.2f);
  GradCheckOptions o;
  o.kink_gap = 0.05;
  expect_layer_gradients(layer, Shape{4, 9}, o);
}

TEST(GradCheck, Sigmoid) {
  Activation layer(ops::Activation::kSigmoid);
  expect_layer_gradients(layer, Shape{4, 9});
}

TEST(GradCheck, Tanh) {
  Activation layer(ops::Activation::kTanh);
  expect_layer_gradients(layer, Shape{4, 9});
}

TEST(GradCheck, Linear_Activation) {
  Activation layer(ops::Activation::kLinear);
  expect_layer_gradients(layer, Shape{3, 5});
}

TEST(GradCheck, Flatten) {
  auto layer = make_flatten();
  expect_layer_gradients(*layer, Shape{2, 3, 2, 2});
}

TEST(GradCheck, Reshape) {
  Reshape layer({2, 3, 3});
  expect_layer_gradients(layer, Shape{2, 18});
}

TEST(GradCheck, Crop2d) {
  Crop2d layer(5, 4);  // from 8x7: rows 1..5, columns 1..4
  expect_layer_gradients(layer, Shape{2, 3, 8, 7});
}

TEST(GradCheck, Dropout) {
  Dropout layer(0.3f, kStreamDropout);
  expect_layer_gradients(layer, Shape{4, 16});
}

TEST(GradCheck, Sequential) {
  Sequential net;
  net.emplace<Linear>(6, 8).emplace<Activation>(ops::Activation::kTanh).emplace<Linear>(8, 3);
  expect_layer_gradients(net, Shape{5, 6});
}

TEST(GradCheck, SequentialConvNet) {
  Sequential net;
  net.emplace<Conv2d>(1, 2, 4, 2, 1)
      .emplace<BatchNorm>(2)
      .emplace<Activation>(ops::Activation::kTanh)
      .add(make_flatten())
      .emplace<Linear>(2 * 4 * 4, 3)
      .emplace<Reshape>(std::vector<int64_t>{3, 1, 1})
      .emplace<ConvTranspose2d>(3, 1, 4, 2, 1);
  expect_layer_gradients(net, Shape{3, 1, 8, 8});
}

}  // namespace
}  // namespace latent
