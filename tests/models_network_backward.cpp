// Network::backward's three uses of the parameter gradients: kSync and kAccumulate add them
// into the store, kSkip (a GAN's generator step through D) leaves the store untouched and
// gives the same dx.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "grad_check.hpp"
#include "layers/activation.hpp"
#include "layers/conv2d.hpp"
#include "layers/linear.hpp"
#include "layers/reshape.hpp"
#include "models/network.hpp"

namespace latent {
namespace {

Network small_discriminator() {
  auto layers = std::make_unique<Sequential>();
  layers->emplace<Conv2d>(1, 8, 4, 2, 1);
  layers->emplace<Activation>(ops::Activation::kLeakyRelu, 0.2f);
  layers->emplace<Reshape>(std::vector<int64_t>{8 * 4 * 4});
  layers->emplace<Linear>(8 * 4 * 4, 1);
  return Network("d", std::move(layers), OptimizerConfig{}, 3);
}

std::vector<float> values_of(const Tensor& t) {
  return {t.data(), t.data() + t.numel()};
}

TEST(NetworkBackward, SkippingParameterGradientsKeepsDxAndLeavesTheStore) {
  Network net = small_discriminator();
  Tensor x = testing::random_tensor(Shape{4, 1, 8, 8}, 11);
  Tensor dy = testing::random_tensor(Shape{4, 1}, 12);

  net.zero_grad();
  net.forward(x, PassContext{});
  std::vector<float> dx_sync = values_of(net.backward(dy, true));
  std::vector<float> grads_once = values_of(net.store().grads());
  bool any_nonzero = false;
  for (float g : grads_once) any_nonzero |= g != 0.0f;
  ASSERT_TRUE(any_nonzero);

  net.forward(x, PassContext{});
  std::vector<float> dx_skip = values_of(net.backward(dy, true, Network::Grads::kSkip));
  EXPECT_EQ(dx_skip, dx_sync);
  EXPECT_EQ(values_of(net.store().grads()), grads_once) << "kSkip changed the gradients";

  // kAccumulate adds as kSync does: twice the gradients after a second pass.
  net.forward(x, PassContext{});
  net.backward(dy, true, Network::Grads::kAccumulate);
  std::vector<float> twice = values_of(net.store().grads());
  for (size_t i = 0; i < twice.size(); ++i) EXPECT_FLOAT_EQ(twice[i], 2 * grads_once[i]) << i;

  // And a layer left with gradients off would be a bug: a later kSync pass computes them.
  net.zero_grad();
  net.forward(x, PassContext{});
  net.backward(dy, true);
  EXPECT_EQ(values_of(net.store().grads()), grads_once);
}

}  // namespace
}  // namespace latent
