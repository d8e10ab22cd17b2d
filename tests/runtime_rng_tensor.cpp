// Counter-based RNG, tensors and the parameter store.
#include <gtest/gtest.h>

#include <cmath>

#include "layers/linear.hpp"
#include "layers/sequential.hpp"
#include "runtime/rng.hpp"

namespace latent {
namespace {

TEST(Rng, SameKeySameNumbersDifferentStreamsDiffer) {
  CounterRng a(42, kStreamNoise), b(42, kStreamNoise), c(42, kStreamLatent), d(43, kStreamNoise);
  EXPECT_EQ(a.uniform(7, 3), b.uniform(7, 3));
  EXPECT_NE(a.uniform(7, 3), c.uniform(7, 3));
  EXPECT_NE(a.uniform(7, 3), d.uniform(7, 3));
  EXPECT_NE(a.uniform(7, 3), a.uniform(8, 3));
  EXPECT_NE(a.normal(7, 3), a.normal(7, 4));
}

TEST(Rng, MomentsOfUniformAndNormal) {
  CounterRng rng(1, kStreamNoise);
  const int n = 200000;
  double su = 0, sn = 0, snn = 0;
  for (int i = 0; i < n; ++i) {
    double u = rng.uniform(i, 0), z = rng.normal(i / 16, i % 16);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    su += u, sn += z, snn += z * z;
  }
  EXPECT_NEAR(su / n, 0.5, 0.005);
  EXPECT_NEAR(sn / n, 0.0, 0.01);
  EXPECT_NEAR(snn / n, 1.0, 0.02);
}

TEST(Rng, RowsAreKeyedByGlobalIndexNotBySplit) {
  CounterRng rng(9, kStreamNoise);
  Tensor whole(Shape{8, 5}), second_half(Shape{4, 5});
  rng.fill_normal(whole, 100);
  rng.fill_normal(second_half, 104);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(whole.data()[20 + i], second_half.data()[i]);
}

TEST(Tensor, ViewsAliasAndCopiesAreExplicit) {
  Tensor t(Shape{4, 3});
  Tensor v = t.slice(1, 3);
  v.fill(2.0f);
  EXPECT_EQ(t.data()[3], 2.0f);
  EXPECT_EQ(t.data()[0], 0.0f);
  EXPECT_EQ(v.shape(), (Shape{2, 3}));
  Tensor c(Shape{4, 3});
  c.copy_from(t);
  t.fill(0.0f);
  EXPECT_EQ(c.data()[3], 2.0f);
  EXPECT_THROW(t.reshape(Shape{5, 3}), std::invalid_argument);
  EXPECT_THROW(t.slice(2, 5), std::out_of_range);
}

TEST(Shape, BatchOfAndSampleOfDimsAreInverse) {
  EXPECT_EQ(Shape({784}).batch_of(5), (Shape{5, 784}));
  EXPECT_EQ(Shape({1, 28, 28}).batch_of(5), (Shape{5, 1, 28, 28}));
  EXPECT_EQ(Shape::sample_of_dims({9, 784}), (Shape{784}));
  EXPECT_EQ(Shape::sample_of_dims({9, 28, 28}), (Shape{1, 28, 28}));  // one channel
  EXPECT_EQ(Shape::sample_of_dims({9, 3, 8, 8}), (Shape{3, 8, 8}));
  EXPECT_EQ(Shape::sample_of_dims({9}).rank(), 0);
  EXPECT_EQ(Shape::sample_of_dims({9, 1, 2, 3, 4}).rank(), 0);
  EXPECT_THROW(Shape({1, 2, 3, 4}).batch_of(2), std::invalid_argument);
}

TEST(Tensor, ResizeReusesTheAllocation) {
  Tensor t(Shape{10, 10});
  const float* before = t.data();
  t.resize(Shape{5, 10});
  t.resize(Shape{10, 10});
  EXPECT_EQ(t.data(), before);
}

TEST(ParamStore, AdoptsInReverseLayerOrderIntoOneBuffer) {
  Sequential net;
  net.emplace<Linear>(3, 4).emplace<Linear>(4, 2);
  net.init_params(CounterRng(1, kStreamInit));
  float first_weight = static_cast<Linear&>(net.layer(0)).weight().value.data()[0];
  ParamStore store;
  net.adopt_into(store);
  EXPECT_EQ(store.numel(), 3 * 4 + 4 + 4 * 2 + 2);
  ASSERT_EQ(store.entries().size(), 4u);
  EXPECT_EQ(store.entries()[0].name, "1_linear/weight");  // last layer first
  EXPECT_EQ(store.entries()[3].name, "0_linear/bias");
  auto& w0 = static_cast<Linear&>(net.layer(0)).weight();
  EXPECT_EQ(w0.value.data(), store.values().data() + store.entries()[2].offset);
  EXPECT_EQ(w0.value.data()[0], first_weight);  // values survive the move
  store.grads().fill(1.0f);
  EXPECT_EQ(w0.grad.data()[0], 1.0f);
  store.zero_grad();
  EXPECT_EQ(w0.grad.data()[0], 0.0f);
}

}  // namespace
}  // namespace latent
