// The VAE's importance-weighted bound: K = 1 is the ELBO (up to its one-draw noise), the bound
// lies above the ELBO and rises with K, it does not depend on how the data is batched, and its
// log-sum-exp is stable for log-weights far below what exp() can represent.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "mnist_data.hpp"
#include "model_training.hpp"
#include "models/vae.hpp"
#include "runtime/ops.hpp"

namespace latent {
namespace {

constexpr int64_t kEval = 256;

std::unique_ptr<Model> trained_vae() {
  ModelConfig c;
  c.kind = "vae";
  c.hidden = {128};
  c.latent = 8;
  c.sample_shape = Shape{1, 28, 28};
  auto model = make_model(c, 1);
  testing::train_steps(*model, testing::mnist_subset(2048, false), 64, 150);
  return model;
}

double mean_bound(Vae& vae, const Tensor& data, int64_t k, int64_t batch = kEval) {
  double total = 0;
  for (int64_t b = 0; b < data.dim(0); b += batch) {
    Tensor x = data.slice(b, b + batch);
    total +=
        vae.importance_weighted_bound(x, BatchInfo{static_cast<uint64_t>(b), batch, 3}, k).value();
  }
  return total / static_cast<double>(data.dim(0));
}

TEST(ImportanceBound, IsTheElboAtOneDrawAndRisesWithK) {
  auto model = trained_vae();
  auto& vae = dynamic_cast<Vae&>(*model);
  Tensor data = testing::mnist().images.slice(4096, 4096 + kEval);  // not trained on
  Metrics m = testing::evaluate_all(vae, data, kEval);
  const double elbo = -(m.get("recon") + m.get("kl"));
  const double k1 = mean_bound(vae, data, 1), k5 = mean_bound(vae, data, 5),
               k50 = mean_bound(vae, data, 50);
  std::printf("ELBO %.3f  IWAE K=1 %.3f  K=5 %.3f  K=50 %.3f nats\n", elbo, k1, k5, k50);
  // One draw estimates the ELBO (whose KL is exact): equal up to the draw's noise.
  EXPECT_NEAR(k1, elbo, 0.01 * std::abs(elbo));
  EXPECT_GT(k5, elbo);
  EXPECT_GT(k5, k1 + 0.5);
  EXPECT_GT(k50, k5 + 0.3);
  EXPECT_LT(k50, 0.0);  // a log-likelihood of 784 values in [0, 1]
}

TEST(ImportanceBound, IsTheSameForAnyBatchSplit) {
  auto model = trained_vae();
  auto& vae = dynamic_cast<Vae&>(*model);
  Tensor data = testing::mnist().images.slice(4096, 4096 + kEval);
  // K·batch rows cross the decoder's pass size differently; the draws are keyed by sample.
  EXPECT_NEAR(mean_bound(vae, data, 20, kEval), mean_bound(vae, data, 20, 64), 1e-3);
}

TEST(ImportanceBound, LogSumExpIsStableFarBelowExpsRange) {
  Tensor x(Shape{2, 3}), out(Shape{2});
  const float values[6] = {-5000, -5000, -5000, 800, 799, -3};
  std::copy(values, values + 6, x.data());
  ops::logsumexp_rows(x, out);
  EXPECT_NEAR(out.data()[0], -5000 + std::log(3.0), 1e-3);
  EXPECT_NEAR(out.data()[1], 800 + std::log1p(std::exp(-1.0)), 1e-3);
}

}  // namespace
}  // namespace latent
