// The classifier learns real MNIST digits: held-out accuracy above 95 % after a short training
// (conv; the mlp above 94 %); its features and predictions agree with its logits.
#include <gtest/gtest.h>

#include <cstdio>

#include "mnist_data.hpp"
#include "model_training.hpp"
#include "models/classifier.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

constexpr int64_t kTrain = 8000, kHeldOut = 2000, kBatch = 64;

ModelConfig classifier_config(const std::string& arch) {
  ModelConfig c;
  c.kind = "classifier";
  c.arch = arch;
  c.hidden = {256};
  c.conv_widths = {16, 32};
  c.latent = 64;
  c.num_classes = 10;
  c.sample_shape = Shape{1, 28, 28};
  return c;
}

// Trains on the first 8,000 digits and returns the accuracy on the other 2,000.
double held_out_accuracy(const ModelConfig& c, int steps) {
  const LoadedDataset& all = testing::mnist();
  Tensor train = testing::mnist_subset(kTrain, false);
  auto model = make_model(c, 1);
  auto trace = testing::train_steps(*model, train, kBatch, steps, 7, 0, &all.labels);
  EXPECT_LT(trace.last("loss", 20), 0.3 * trace.first("loss"));
  Tensor held_out = all.images.slice(kTrain, kTrain + kHeldOut);
  std::vector<int> labels(all.labels.begin() + kTrain, all.labels.begin() + kTrain + kHeldOut);
  return testing::evaluate_all(*model, held_out, 250, &labels).get("accuracy");
}

// 8,000 digits are few for a fully connected net: it levels off near 95 % (measured 0.952
// after 10 epochs; 0.942 with 256 hidden units), where the conv net passes 96 % in 4.
TEST(ClassifierLearns, MlpAbove94PercentOnHeldOutMnist) {
  ModelConfig c = classifier_config("mlp");
  c.hidden = {512};
  c.latent = 128;
  EXPECT_GT(held_out_accuracy(c, 1250), 0.94);  // 10 epochs
}

TEST(ClassifierLearns, ConvAbove95PercentOnHeldOutMnist) {
  ModelConfig c = classifier_config("conv");
  c.conv_widths = {32, 64};
  c.latent = 128;
  c.lr = 2e-3f;
  const double accuracy = held_out_accuracy(c, 500);  // 4 epochs
  std::printf("conv classifier: held-out accuracy %.4f\n", accuracy);
  EXPECT_GT(accuracy, 0.95);
}

TEST(Classifier, FeaturesAreThePenultimateLayerAndPredictionsTheArgmax) {
  auto model = make_model(classifier_config("mlp"), 3);
  auto& classifier = dynamic_cast<Classifier&>(*model);
  Tensor x = testing::mnist_subset(16, false), features, logits, predicted;
  classifier.features(x, features, &logits);
  EXPECT_EQ(features.shape(), (Shape{16, 64}));
  EXPECT_EQ(logits.shape(), (Shape{16, 10}));
  classifier.predict(x, predicted);
  for (int64_t n = 0; n < 16; ++n) {
    const float* row = logits.data() + n * 10;
    EXPECT_EQ(predicted.data()[n], std::max_element(row, row + 10) - row);
  }
}

TEST(Classifier, RefusesALabelOutsideItsClasses) {
  auto model = make_model(classifier_config("mlp"), 3);
  Tensor x = testing::mnist_subset(2, false);
  std::vector<int> labels{3, 10};
  EXPECT_THROW(model->train_step(x, BatchInfo{0, 2, 1, 1.0f, 0, &labels}), UserError);
  EXPECT_THROW(model->train_step(x, BatchInfo{0, 2, 1, 1.0f, 0, nullptr}), UserError);
}

}  // namespace
}  // namespace latent
