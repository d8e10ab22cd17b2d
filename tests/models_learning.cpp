// Every model learns on real MNIST digits: its loss falls well below where it started.
#include <gtest/gtest.h>

#include <cmath>

#include "mnist_data.hpp"
#include "model_training.hpp"
#include "models/autoencoder.hpp"
#include "runtime/noise.hpp"

namespace latent {
namespace {

using testing::mnist_subset;
using testing::train_steps;

ModelConfig base_config(const std::string& kind, const Shape& sample) {
  ModelConfig c;
  c.kind = kind;
  c.hidden = {128};
  c.latent = 16;
  c.sample_shape = sample;
  return c;
}

TEST(ModelLearns, Autoencoder) {
  Tensor data = mnist_subset(2048, false);
  auto model = make_model(base_config("ae", Shape{1, 28, 28}), 1);
  auto trace = train_steps(*model, data, 64, 150);
  EXPECT_LT(trace.last("loss"), 0.4 * trace.first("loss"));
}

TEST(ModelLearns, VaeMlp) {
  Tensor data = mnist_subset(2048, false);
  auto model = make_model(base_config("vae", Shape{1, 28, 28}), 1);
  auto trace = train_steps(*model, data, 64, 150);
  // 784·ln 2 ≈ 543 nats at the start; a VAE reaches well under half of that quickly.
  EXPECT_GT(trace.first("loss"), 400);
  EXPECT_LT(trace.last("loss"), 0.5 * trace.first("loss"));
  EXPECT_GT(trace.last("kl"), 1.0);  // the code is used, not collapsed
}

// The conv models must beat what ignoring the code gives: the mean image scores 208 nats on
// these digits (computed here), the untrained start about 570.
TEST(ModelLearns, VaeConv) {
  Tensor data = mnist_subset(512, false);
  ModelConfig c = base_config("vae", Shape{1, 28, 28});
  c.arch = "conv";
  c.conv_widths = {8, 16};
  c.lr = 3e-3f;
  auto model = make_model(c, 1);
  auto trace = train_steps(*model, data, 32, 300);
  const double baseline = testing::mean_image_bce(data);
  EXPECT_LT(trace.last("loss"), 0.75 * baseline);  // measured 0.66
}

TEST(ModelLearns, AutoencoderConv) {
  Tensor data = mnist_subset(512, false);
  ModelConfig c = base_config("ae", Shape{1, 28, 28});
  c.arch = "conv";
  c.conv_widths = {8, 16};
  c.lr = 3e-3f;
  auto model = make_model(c, 1);
  auto trace = train_steps(*model, data, 32, 300);
  const double baseline = testing::mean_image_bce(data);
  EXPECT_LT(trace.last("loss"), 0.6 * baseline);  // measured 0.50
}

TEST(ModelLearns, VaeWithOnlyKlCollapsesToThePrior) {
  Tensor data = mnist_subset(1024, true);
  ModelConfig c = base_config("vae", Shape{196});
  c.vae.beta = 1e4f;  // the KL term dominates: reconstruction is a 1e-4 perturbation
  c.lr = 3e-3f;
  auto model = make_model(c, 1);
  auto trace = train_steps(*model, data, 64, 300);
  EXPECT_LT(trace.last("kl"), 0.01 * trace.first("kl"));
  EXPECT_LT(trace.last("kl"), 0.05);  // nats per sample: q(z|x) ≈ N(0, 1) for every x
}

TEST(ModelLearns, SparseAutoencoderL1GivesAMostlyZeroCode) {
  Tensor data = mnist_subset(2048, true);
  ModelConfig c = base_config("sparse-ae", Shape{196});
  c.latent = 256;  // wider than the input
  c.sparsity.penalty = "l1";
  c.sparsity.weight = 0.2f;
  auto model = make_model(c, 1);
  auto trace = train_steps(*model, data, 64, 600);
  EXPECT_LT(trace.last("recon"), 0.6 * trace.first("recon"));
  auto& ae = static_cast<Autoencoder&>(*model);
  const Tensor& code = ae.encode(testing::rows_of(data, 0, 256));
  int64_t zeros = 0;
  for (int64_t i = 0; i < code.numel(); ++i) zeros += code.data()[i] == 0.0f;
  EXPECT_GT(static_cast<double>(zeros) / code.numel(), 0.8);
}

TEST(ModelLearns, SparseAutoencoderKlMeetsTheTargetRate) {
  Tensor data = mnist_subset(2048, true);
  ModelConfig c = base_config("sparse-ae", Shape{196});
  c.latent = 64;
  c.sparsity.penalty = "kl";
  c.sparsity.target = 0.05f;
  c.sparsity.weight = 3.0f;
  auto model = make_model(c, 1);
  auto trace = train_steps(*model, data, 64, 300);
  EXPECT_LT(trace.last("recon"), 0.6 * trace.first("recon"));
  auto& ae = static_cast<Autoencoder&>(*model);
  const Tensor& code = ae.encode(testing::rows_of(data, 0, 512));
  double mean = 0;
  for (int64_t i = 0; i < code.numel(); ++i) mean += code.data()[i];
  mean /= code.numel();
  EXPECT_LT(mean, 0.15);  // from 0.5 at the start towards ρ = 0.05
}

TEST(ModelLearns, DenoisingAutoencoderOutputIsCloserToCleanThanTheNoisyInput) {
  Tensor data = mnist_subset(2048, true);
  ModelConfig c = base_config("denoising-ae", Shape{196});
  c.corruption.noise = "masking";
  c.corruption.level = 0.3f;
  auto model = make_model(c, 1);
  auto trace = train_steps(*model, data, 64, 1500);
  EXPECT_LT(trace.last("loss"), 0.6 * trace.first("loss"));
  // Held-out digits (beyond the training 2048), corrupted with fresh noise.
  Tensor more = mnist_subset(2560, true);
  Tensor clean = testing::rows_of(more, 2048, 512);
  Tensor noisy(clean.shape()), denoised;
  corrupt(NoiseKind::kMasking, 0.3f, CounterRng(99, kStreamNoise), clean, noisy, 0);
  BatchInfo info{0, 512, 99, 1.0f};
  model->as_reconstructor()->reconstruct(clean, info,
                                         denoised);  // corrupts with (seed 99, index) = `noisy`
  double noisy_err = 0, denoised_err = 0;
  for (int64_t i = 0; i < clean.numel(); ++i) {
    noisy_err += std::pow(noisy.data()[i] - clean.data()[i], 2);
    denoised_err += std::pow(denoised.data()[i] - clean.data()[i], 2);
  }
  EXPECT_LT(denoised_err, 0.7 * noisy_err);
}

// A GAN's loss does not fall like a reconstruction's; it learns when its samples move towards
// the data: the distance between mean generated and mean real image shrinks, while the samples
// keep the data's variety (a generator collapsed onto the mean image would pass the first
// check alone).
TEST(ModelLearns, GanMlp) {
  Tensor data = mnist_subset(2048, true);
  ModelConfig c = base_config("gan", Shape{196});
  c.optimizer.beta1 = 0.5f;
  c.gan.lr_d = c.gan.lr_g = 1e-3f;
  c.gan.label_smoothing = 0.1f;
  auto model = make_model(c, 1);
  Tensor real = testing::rows_of(data, 0, 512), fake;
  model->as_generator()->generate(512, 3, fake);
  auto before = testing::compare_samples(fake, real);
  auto trace = train_steps(*model, data, 64, 600);
  model->as_generator()->generate(512, 3, fake);
  auto after = testing::compare_samples(fake, real);
  EXPECT_LT(after.mean_gap, 0.2 * before.mean_gap);  // measured 0.04
  EXPECT_GT(after.variance_ratio, 0.3);              // measured 0.66 (0.05 untrained)
  EXPECT_TRUE(trace.steps.back().has("loss_g"));
  double acc = trace.last("d_acc", 20);
  EXPECT_GT(acc, 0.2);
  EXPECT_LT(acc, 1.0);  // neither side has won outright
}

TEST(ModelLearns, GanWithHingeLossAndTwoDiscriminatorSteps) {
  Tensor data = mnist_subset(2048, true);
  ModelConfig c = base_config("gan", Shape{196});
  c.gan.loss = "hinge";
  c.gan.d_steps = 2;  // two D updates per G update
  c.optimizer.beta1 = 0.5f;
  c.gan.lr_d = c.gan.lr_g = 1e-3f;
  auto model = make_model(c, 1);
  Tensor real = testing::rows_of(data, 0, 256), fake;
  model->as_generator()->generate(256, 3, fake);
  auto before = testing::compare_samples(fake, real);
  auto trace = train_steps(*model, data, 64, 800);
  model->as_generator()->generate(256, 3, fake);
  auto after = testing::compare_samples(fake, real);
  EXPECT_LT(after.mean_gap, 0.2 * before.mean_gap);  // measured 0.03
  EXPECT_GT(after.variance_ratio, 0.3);              // measured 0.56
  // G updates only every second step.
  EXPECT_FALSE(trace.steps[0].has("loss_g"));
  EXPECT_TRUE(trace.steps[1].has("loss_g"));
}

TEST(ModelLearns, DcganRunsAndLearns) {
  Tensor data = mnist_subset(1024, false);
  ModelConfig c = base_config("gan", Shape{1, 28, 28});
  c.arch = "conv";
  c.conv_widths = {8, 16};
  c.optimizer.beta1 = 0.5f;
  c.gan.lr_d = c.gan.lr_g = 1e-3f;
  auto model = make_model(c, 1);
  Tensor real = testing::rows_of(data, 0, 256), fake;
  model->as_generator()->generate(256, 3, fake);
  EXPECT_EQ(fake.shape(), (Shape{256, 1, 28, 28}));
  auto before = testing::compare_samples(fake, real);
  train_steps(*model, data, 32, 800);
  model->as_generator()->generate(256, 3, fake);
  auto after = testing::compare_samples(fake, real);
  EXPECT_LT(after.mean_gap, 0.2 * before.mean_gap);  // measured 0.08
  EXPECT_GT(after.variance_ratio, 0.3);              // measured 0.59 (0.004 untrained)
}

}  // namespace
}  // namespace latent
