// Optimizer steps against values computed by hand (see the comments for the arithmetic).
#include <gtest/gtest.h>

#include "runtime/optimizer.hpp"

namespace latent {
namespace {

TEST(Optimizer, SgdMomentumWeightDecayByHand) {
  OptimizerConfig c;
  c.kind = "sgd";
  c.momentum = 0.9f;
  c.weight_decay = 0.01f;
  auto opt = make_optimizer(c, 1);
  Tensor p(Shape{1}), g(Shape{1});
  p.data()[0] = 1.0f;
  g.data()[0] = 0.5f;
  // v = 0.5 + 0.01·1 = 0.51; p = 1 - 0.1·0.51 = 0.949
  opt->step(p, g, 0.1f);
  EXPECT_NEAR(p.data()[0], 0.949f, 1e-6);
  // v = 0.9·0.51 + 0.5 + 0.01·0.949 = 0.96849; p = 0.949 - 0.096849 = 0.852151
  opt->step(p, g, 0.1f);
  EXPECT_NEAR(p.data()[0], 0.852151f, 1e-6);
  EXPECT_EQ(opt->steps(), 2);
}

TEST(Optimizer, AdamBiasCorrectedByHand) {
  OptimizerConfig c;  // adam, β1 0.9, β2 0.999, ε 1e-8
  auto opt = make_optimizer(c, 1);
  Tensor p(Shape{1}), g(Shape{1});
  p.data()[0] = 1.0f;
  g.data()[0] = 0.5f;
  // m̂ = 0.5, v̂ = 0.25: the first step moves by lr exactly: 1 - 0.01 = 0.99
  opt->step(p, g, 0.01f);
  EXPECT_NEAR(p.data()[0], 0.99f, 1e-6);
  // g = 0.25: m = 0.07, v = 0.00031225, m̂ = 0.07/0.19, v̂ = 0.00031225/0.001999
  // p = 0.99 - 0.01 · 0.368421 / 0.395225 = 0.980678
  g.data()[0] = 0.25f;
  opt->step(p, g, 0.01f);
  EXPECT_NEAR(p.data()[0], 0.9806782f, 2e-6);
}

TEST(Optimizer, StateRestoresTheStepCount) {
  OptimizerConfig c;
  auto a = make_optimizer(c, 2), b = make_optimizer(c, 2);
  Tensor pa(Shape{2}), pb(Shape{2}), g(Shape{2});
  g.fill(0.3f);
  a->step(pa, g, 0.1f);
  a->step(pa, g, 0.1f);
  // Copy a's state into b (what a checkpoint does), then both take the same step.
  for (auto& [name, t] : a->state()) b->state().at(name)->copy_from(*t);
  b->set_steps(a->steps());
  pb.copy_from(pa);
  a->step(pa, g, 0.1f);
  b->step(pb, g, 0.1f);
  EXPECT_EQ(pa.data()[0], pb.data()[0]);
  EXPECT_EQ(b->steps(), 3);
}

TEST(Optimizer, UnknownKindNamesIt) {
  OptimizerConfig c;
  c.kind = "adagrad";
  try {
    make_optimizer(c, 1);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("adagrad"), std::string::npos);
  }
}

}  // namespace
}  // namespace latent
