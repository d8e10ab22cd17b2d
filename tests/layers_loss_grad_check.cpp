// GradCheck.<Loss>: every loss and penalty's gradient against central differences, plus its
// value against a direct formula.
#include <cmath>

#include "grad_check.hpp"
#include "layers/losses.hpp"

namespace latent {
namespace {

using testing::copy_of;
using testing::expect_matches_numeric;
using testing::GradCheckOptions;
using testing::random_tensor;

Tensor sigmoid_of(const Tensor& z) {
  Tensor t(z.shape());
  for (int64_t i = 0; i < z.numel(); ++i) t.data()[i] = 1.0f / (1.0f + std::exp(-z.data()[i]));
  return t;
}

constexpr float kScale = 0.25f;  // 1 / batch of 4

TEST(GradCheck, Mse) {
  Tensor pred = random_tensor(Shape{4, 6}, 1), target = random_tensor(Shape{4, 6}, 2);
  MseLoss loss;
  double value = loss.forward(pred, target, kScale).value();
  double expected = 0;
  for (int64_t i = 0; i < pred.numel(); ++i)
    expected += std::pow(pred.data()[i] - target.data()[i], 2);
  EXPECT_NEAR(value, expected, 1e-4);
  expect_matches_numeric("mse", pred, copy_of(loss.grad()),
                         [&] { return kScale * MseLoss().forward(pred, target, 1).value(); }, {});
}

TEST(GradCheck, Bce) {
  Tensor logits = random_tensor(Shape{4, 6}, 3);
  Tensor target = sigmoid_of(random_tensor(Shape{4, 6}, 4));
  BceWithLogitsLoss loss;
  Tensor per_sample(Shape{4});
  double value = loss.forward(logits, target, kScale, &per_sample).value();
  double expected = 0;
  for (int64_t i = 0; i < logits.numel(); ++i) {
    double p = 1 / (1 + std::exp(-static_cast<double>(logits.data()[i])));
    double t = target.data()[i];
    expected -= t * std::log(p) + (1 - t) * std::log(1 - p);
  }
  EXPECT_NEAR(value, expected, 1e-4);
  double per_sample_total = 0;
  for (int i = 0; i < 4; ++i) per_sample_total += per_sample.data()[i];
  EXPECT_NEAR(per_sample_total, value, 1e-4);
  expect_matches_numeric(
      "bce", logits, copy_of(loss.grad()),
      [&] { return kScale * BceWithLogitsLoss().forward(logits, target, 1).value(); }, {});
}

TEST(GradCheck, SoftmaxCrossEntropy) {
  Tensor logits = random_tensor(Shape{4, 5}, 11), labels(Shape{4});
  const int classes[4] = {0, 3, 4, 2};
  for (int i = 0; i < 4; ++i) labels.data()[i] = static_cast<float>(classes[i]);
  SoftmaxCrossEntropyLoss loss;
  Tensor per_sample(Shape{4});
  double value = loss.forward(logits, labels, kScale, &per_sample).value();
  double expected = 0;
  for (int n = 0; n < 4; ++n) {
    double sum = 0;
    for (int c = 0; c < 5; ++c) sum += std::exp(static_cast<double>(logits.data()[n * 5 + c]));
    const double row = std::log(sum) - logits.data()[n * 5 + classes[n]];
    EXPECT_NEAR(per_sample.data()[n], row, 1e-5);
    expected += row;
  }
  EXPECT_NEAR(value, expected, 1e-4);
  expect_matches_numeric(
      "softmax_cross_entropy", logits, copy_of(loss.grad()),
      [&] { return kScale * SoftmaxCrossEntropyLoss().forward(logits, labels, 1).value(); }, {});
}

TEST(GradCheck, SoftmaxCrossEntropyIsStableForLargeLogits) {
  Tensor logits(Shape{1, 3}), labels(Shape{1});
  logits.data()[0] = 1000.0f, logits.data()[1] = -1000.0f, logits.data()[2] = 990.0f;
  labels.data()[0] = 2.0f;
  SoftmaxCrossEntropyLoss loss;
  double value = loss.forward(logits, labels, 1.0f).value();
  EXPECT_NEAR(value, 10.0, 1e-3);  // log(e^1000 + e^990) - 990 ≈ 10
  EXPECT_NEAR(loss.grad().data()[0], 1.0, 1e-4);
  EXPECT_NEAR(loss.grad().data()[2], -1.0, 1e-4);
}

TEST(GradCheck, BceIsStableForLargeLogits) {
  Tensor logits(Shape{1, 2}), target(Shape{1, 2});
  logits.data()[0] = 200.0f, logits.data()[1] = -200.0f;
  target.data()[0] = 0.0f, target.data()[1] = 1.0f;
  BceWithLogitsLoss loss;
  double value = loss.forward(logits, target, 1.0f).value();
  EXPECT_NEAR(value, 400.0, 1e-3);
  EXPECT_NEAR(loss.grad().data()[0], 1.0f, 1e-6);
  EXPECT_NEAR(loss.grad().data()[1], -1.0f, 1e-6);
}

TEST(GradCheck, Kl) {
  Tensor mu = random_tensor(Shape{4, 3}, 5), logvar = random_tensor(Shape{4, 3}, 6);
  GaussianKl kl;
  kl.forward(mu, logvar, kScale);
  auto objective = [&] { return kScale * GaussianKl().forward(mu, logvar, 1).value(); };
  expect_matches_numeric("kl dmu", mu, copy_of(kl.grad_mu()), objective, {});
  expect_matches_numeric("kl dlogvar", logvar, copy_of(kl.grad_logvar()), objective, {});
  // KL is zero exactly at the prior.
  Tensor zero_mu(Shape{2, 3}), zero_logvar(Shape{2, 3});
  EXPECT_NEAR(GaussianKl().forward(zero_mu, zero_logvar, 1).value(), 0.0, 1e-12);
}

TEST(GradCheck, L1) {
  Tensor a = random_tensor(Shape{4, 5}, 7);
  testing::push_from_zero(a, 0.05);
  Tensor grad(a.shape());
  double value = l1_activation_penalty(a, 0.3f, grad, kScale).value();
  double expected = 0;
  for (int64_t i = 0; i < a.numel(); ++i) expected += 0.3 * std::abs(a.data()[i]);
  EXPECT_NEAR(value, expected, 1e-4);
  expect_matches_numeric("l1", a, copy_of(grad),
                         [&] {
                           Tensor g(a.shape());
                           return kScale * l1_activation_penalty(a, 0.3f, g, 1).value();
                         },
                         {});
}

TEST(GradCheck, KlSparsity) {
  Tensor a = sigmoid_of(random_tensor(Shape{4, 5}, 8));
  Tensor grad(a.shape());
  const float rho = 0.1f, weight = 0.5f;
  kl_sparsity_penalty(a, rho, weight, grad, kScale);
  GradCheckOptions o;
  o.step = 1e-3;
  // The penalty is per batch and ρ̂ = mean over the batch, so dρ̂/da = 1/4 = kScale.
  expect_matches_numeric(
      "kl-sparsity", a, copy_of(grad),
      [&] {
        Tensor g(a.shape());
        return kl_sparsity_penalty(a, rho, weight, g, kScale).value();
      },
      o);
  // Zero when every unit's mean activation is exactly the target.
  Tensor at_target(Shape{3, 2});
  at_target.fill(rho);
  Tensor g(at_target.shape());
  EXPECT_NEAR(kl_sparsity_penalty(at_target, rho, weight, g, 1.0f / 3).value(), 0.0, 1e-6);
}

}  // namespace
}  // namespace latent
