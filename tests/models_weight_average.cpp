// The moving average of a generator's weights (--ema-half-life): the closed form after n
// updates, its checkpoint round trip, and generation from it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "mnist_data.hpp"
#include "model_training.hpp"
#include "models/average_weights.hpp"
#include "models/model_checkpoint.hpp"
#include "models/model_kinds.hpp"

namespace latent {
namespace {

ModelConfig vae_with_average(double half_life) {
  ModelConfig c;
  c.kind = "vae";
  c.hidden = {32};
  c.latent = 4;
  c.sample_shape = Shape{1, 28, 28};
  c.ema_half_life = half_life;
  return c;
}

Network& averaged(Model& model) {
  for (Network* net : model.networks())
    if (net->has_average()) return *net;
  throw std::logic_error("no network keeps an average");
}

std::vector<double> values_of(const Tensor& t) {
  return std::vector<double>(t.data(), t.data() + t.numel());
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("latent-ema-" + std::to_string(getpid()) + "-" + name))
      .string();
}

// average_n = β^n θ_0 + Σ_i (1-β) β^(n-i) θ_i, β = 0.5^(batch / half-life), in double.
TEST(WeightAverage, AfterNUpdatesItIsTheClosedForm) {
  const int64_t batch = 32;
  const double half_life = 100;
  auto model = make_model(vae_with_average(half_life), 3);
  Network& decoder = averaged(*model);
  EXPECT_EQ(decoder.name(), "decoder");  // the VAE generates with its decoder
  Tensor data = testing::mnist_subset(batch * 6, false);
  const double beta = std::pow(0.5, static_cast<double>(batch) / half_life);
  std::vector<double> expected = values_of(decoder.store().values());  // θ_0
  for (int step = 0; step < 6; ++step) {
    Tensor x = data.slice(step * batch, (step + 1) * batch);
    model->train_step(x, BatchInfo{static_cast<uint64_t>(step * batch), batch, 7, 1.0f, step});
    decoder.update_average(batch);
    const std::vector<double> theta = values_of(decoder.store().values());
    for (size_t i = 0; i < expected.size(); ++i)
      expected[i] = beta * expected[i] + (1 - beta) * theta[i];
  }
  const std::vector<double> got = values_of(decoder.average());
  const std::vector<double> raw = values_of(decoder.store().values());
  double worst = 0, moved = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    worst = std::max(worst, std::abs(got[i] - expected[i]));
    moved = std::max(moved, std::abs(raw[i] - got[i]));
  }
  EXPECT_LT(worst, 1e-6);
  EXPECT_GT(moved, 1e-4) << "the average lags the weights";
}

TEST(WeightAverage, RoundTripsThroughACheckpointAndGeneratesApart) {
  auto model = make_model(vae_with_average(64), 3);
  Tensor data = testing::mnist_subset(96, false);
  for (int step = 0; step < 3; ++step) {
    model->train_step(data.slice(step * 32, (step + 1) * 32),
                      BatchInfo{static_cast<uint64_t>(step * 32), 32, 7, 1.0f, step});
    averaged(*model).update_average(32);
  }
  const std::string path = temp_path("round-trip.h5");
  save_checkpoint(*model, path, "model = vae", TrainingPosition{3, 0, 3, 3, 1});
  auto loaded = make_model(vae_with_average(64), 99);
  load_checkpoint(*loaded, path);
  const Tensor &a = averaged(*model).average(), &b = averaged(*loaded).average();
  ASSERT_EQ(a.numel(), b.numel());
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.numel() * sizeof(float)), 0);

  // Generation from the average differs from the raw weights', and the raw ones come back.
  Tensor raw, ema, again;
  loaded->as_generator()->generate(8, 5, raw);
  {
    AverageWeights use(*loaded);
    EXPECT_TRUE(use.any());
    loaded->as_generator()->generate(8, 5, ema);
  }
  loaded->as_generator()->generate(8, 5, again);
  EXPECT_EQ(std::memcmp(raw.data(), again.data(), raw.numel() * sizeof(float)), 0);
  EXPECT_NE(std::memcmp(raw.data(), ema.data(), raw.numel() * sizeof(float)), 0);

  // A new run from weights that kept no average starts its average at them.
  auto plain = make_model(vae_with_average(0), 3);
  const std::string plain_path = temp_path("plain.h5");
  save_checkpoint(*plain, plain_path, "model = vae", TrainingPosition{0, 0, 0, 3, 1});
  auto tuned = make_model(vae_with_average(64), 11);
  load_weights(*tuned, plain_path);
  const Tensor &v = averaged(*tuned).store().values(), &avg = averaged(*tuned).average();
  EXPECT_EQ(std::memcmp(v.data(), avg.data(), v.numel() * sizeof(float)), 0);
  std::filesystem::remove(path);
  std::filesystem::remove(plain_path);
}

}  // namespace
}  // namespace latent
