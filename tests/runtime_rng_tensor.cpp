// Counter-based RNG, tensors and the parameter store.
#include <gtest/gtest.h>

#include <cmath>

#include "layers/linear.hpp"
#include "layers/sequential.hpp"
#include "runtime/philox.hpp"
#include "runtime/rng.hpp"
#include "runtime/threads.hpp"

namespace latent {
namespace {

// Random123's known-answer vectors for Philox4x32-10 (kat_vectors): counter (c0, c1, c2, c3)
// and key (k0, k1) map to our (index lo, index hi, block, purpose) and (seed, stream).
TEST(Rng, Philox4x32MatchesRandom123KnownAnswers) {
  struct Kat {
    uint32_t ctr[4], key[2], out[4];
  };
  const Kat kats[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
       {0xffffffff, 0xffffffff},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
       {0xa4093822, 0x299f31d0},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  for (const Kat& k : kats) {
    uint64_t index = k.ctr[0] | (static_cast<uint64_t>(k.ctr[1]) << 32);
    philox::Words w = philox::block(k.key[0], k.key[1], index, k.ctr[2], k.ctr[3]);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(w.w[i], k.out[i]) << "word " << i;
  }
}

// The portable log and sincos behind the normals (identical on CPU and GPU) are accurate.
TEST(Rng, PortableTranscendentalsMatchTheCLibrary) {
  double worst_log = 0, worst_trig = 0;
  for (uint32_t k = 0; k < (1u << 24); k += 97) {
    float u = philox::unit_open0(k << 8);
    worst_log = std::max(worst_log, std::abs(philox::log_unit(u) - std::log(double{u})));
    float v = philox::unit(k << 8), s, c;
    philox::sincos_2pi(v, s, c);
    double angle = 6.283185307179586 * v;
    worst_trig =
        std::max({worst_trig, std::abs(s - std::sin(angle)), std::abs(c - std::cos(angle))});
  }
  EXPECT_LT(worst_log, 2e-6);  // absolute, |ln u| up to 16.6
  EXPECT_LT(worst_trig, 1e-6);
}

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

TEST(Rng, SeedsAreThirtyTwoBits) {
  EXPECT_EQ(checked_seed(4294967295u), 4294967295u);
  EXPECT_THROW(checked_seed(4294967296u), std::runtime_error);
}

TEST(Rng, RowsAreKeyedByGlobalIndexNotBySplit) {
  CounterRng rng(9, kStreamNoise);
  Tensor whole(Shape{8, 5}), second_half(Shape{4, 5});
  rng.fill_normal(whole, 100);
  rng.fill_normal(second_half, 104);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(whole.data()[20 + i], second_half.data()[i]);
}

// Draws are split over the compute threads by rows; every element's draw is its own, so the
// numbers are the same on any thread count.
TEST(Rng, ThreadsDrawTheSameNumbers) {
  CounterRng rng(9, kStreamNoise);
  Tensor one(Shape{128, 20}), two(Shape{128, 20}), u1(Shape{64, 300}), u2(Shape{64, 300});
  set_num_threads(1);
  rng.fill_normal(one, 7);
  rng.fill_uniform(u1, 7);
  set_num_threads(2);
  rng.fill_normal(two, 7);
  rng.fill_uniform(u2, 7);
  set_num_threads(1);
  for (int64_t i = 0; i < one.numel(); ++i) ASSERT_EQ(one.data()[i], two.data()[i]) << i;
  for (int64_t i = 0; i < u1.numel(); ++i) ASSERT_EQ(u1.data()[i], u2.data()[i]) << i;
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
