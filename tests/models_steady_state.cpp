// Steady state: once the first steps have sized every buffer and created every primitive, a
// training step allocates no tensor storage.
#include <gtest/gtest.h>

#include "mnist_data.hpp"
#include "model_training.hpp"

namespace latent {
namespace {

void expect_no_allocations_after_warm_up(ModelConfig c) {
  c.sample_shape = Shape{1, 28, 28};
  c.hidden = {64};
  c.conv_widths = {8, 16};
  c.latent = 8;
  Tensor data = testing::mnist_subset(256, false);
  auto model = make_model(c, 1);
  testing::train_steps(*model, data, 32, 3);
  int64_t before = Tensor::allocation_count();
  testing::train_steps(*model, data, 32, 5, 7, 3);
  EXPECT_EQ(Tensor::allocation_count(), before) << c.kind << " " << c.arch;
}

TEST(SteadyState, TrainingStepsAllocateNothing) {
  for (const char* kind : {"ae", "sparse-ae", "denoising-ae", "vae", "gan"})
    for (const char* arch : {"mlp", "conv"}) {
      ModelConfig c;
      c.kind = kind;
      c.arch = arch;
      expect_no_allocations_after_warm_up(c);
    }
}

}  // namespace
}  // namespace latent
