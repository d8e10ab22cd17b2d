// Convolutional networks built from the data's shape: 1 to 5 stride-2 layers on images of any
// channel count and size, square or not; the decoder's output has the data's exact shape, and
// every network's gradients match finite differences.
#include <gtest/gtest.h>

#include "grad_check.hpp"
#include "models/architectures.hpp"
#include "models/model_kinds.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

ModelConfig conv_config(const Shape& sample, size_t layers) {
  ModelConfig c;
  c.kind = "ae";
  c.arch = "conv";
  c.activation = "tanh";  // no kinks for the finite differences
  c.latent = 3;
  c.sample_shape = sample;
  for (size_t i = 0; i < layers; ++i) c.conv_widths.push_back(2 + static_cast<int64_t>(i % 2));
  return c;
}

const Shape kShapes[] = {Shape{1, 28, 28}, Shape{3, 32, 32}, Shape{3, 48, 80}, Shape{3, 30, 30}};

TEST(ConvShapes, TheDecoderGivesBackTheDataShapeAtEveryDepth) {
  for (const Shape& s : kShapes)
    for (size_t layers = 1; layers <= 5; ++layers) {
      SCOPED_TRACE(s.str() + ", " + std::to_string(layers) + " layers");
      if (layers > most_conv_layers(s)) continue;
      const ModelConfig c = conv_config(s, layers);
      auto encoder = build_encoder(c, c.latent, HiddenActivation::kConfigured);
      auto decoder = build_decoder(c, c.latent, true);
      EXPECT_NO_THROW({ EXPECT_EQ(encoder->output_shape(s.batch_of(2)), (Shape{2, 3})); });
      EXPECT_NO_THROW({ EXPECT_EQ(decoder->output_shape(Shape{2, 3}), s.batch_of(2)); });
    }
}

TEST(ConvShapes, GradientsMatchFiniteDifferencesAtEveryDepth) {
  testing::GradCheckOptions o;
  o.samples = 12;  // per tensor: enough to see a wrong layer, cheap on deep stacks
  for (const Shape& s : {Shape{1, 28, 28}, Shape{3, 30, 30}, Shape{3, 48, 80}})
    for (size_t layers : {1u, 3u, 5u}) {
      if (layers > most_conv_layers(s)) continue;
      SCOPED_TRACE(s.str() + ", " + std::to_string(layers) + " layers");
      const ModelConfig c = conv_config(s, layers);
      auto encoder = build_encoder(c, c.latent, HiddenActivation::kConfigured);
      encoder->init_params(CounterRng(1, 5));
      testing::expect_layer_gradients(*encoder, s.batch_of(2), o);
      auto decoder = build_decoder(c, c.latent, false);  // the crop is in it for 30x30
      decoder->init_params(CounterRng(1, 6));
      testing::expect_layer_gradients(*decoder, Shape{2, 3}, o);
    }
}

TEST(ConvShapes, DefaultsFollowTheImageSizeAndTooManyLayersAreRefused) {
  EXPECT_EQ(default_conv_widths(Shape{1, 28, 28}), (std::vector<int64_t>{64, 128}));
  EXPECT_EQ(default_conv_widths(Shape{3, 32, 32}), (std::vector<int64_t>{64, 128, 256}));
  EXPECT_EQ(default_conv_widths(Shape{3, 64, 64}), (std::vector<int64_t>{64, 128, 256, 512}));
  EXPECT_EQ(default_conv_widths(Shape{3, 48, 80}), (std::vector<int64_t>{64, 128, 256}));
  EXPECT_EQ(most_conv_layers(Shape{3, 30, 30}), 4u);
  ModelConfig c = conv_config(Shape{3, 30, 30}, 5);
  try {
    validate(c);
    FAIL() << "5 layers on 30x30 accepted";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("at most 4 stride-2 layers for images of 30x30"),
              std::string::npos)
        << e.what();
  }
  c = conv_config(Shape{100}, 2);  // flat data has no sides to halve
  EXPECT_THROW(validate(c), UserError);
}

}  // namespace
}  // namespace latent
