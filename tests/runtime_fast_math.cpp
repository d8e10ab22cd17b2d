// The vectorisable exp and log1p behind the BCE loss match the C library.
#include <gtest/gtest.h>

#include <cmath>

#include "runtime/cpu/fast_math.hpp"

namespace latent {
namespace {

TEST(FastMath, ExpOfNonPositiveArgumentsIsWithinTwoUlp) {
  double worst = 0;
  for (float x = -87.0f; x <= 0.0f; x += 0.00137f) {
    const double want = std::exp(static_cast<double>(x));
    worst = std::max(worst, std::abs(cpu::exp_nonpositive(x) - want) / want);
  }
  EXPECT_LT(worst, 2.5e-7);  // 2 ulp of float
  EXPECT_EQ(cpu::exp_nonpositive(0.0f), 1.0f);
  EXPECT_GT(cpu::exp_nonpositive(-200.0f), 0.0f);  // clamped, never NaN
}

TEST(FastMath, Log1pOfUnitArgumentsIsAccurate) {
  double worst = 0;
  for (float e = 0.0f; e <= 1.0f; e += 0.0000731f)
    worst = std::max(worst, std::abs(cpu::log1p_unit(e) - std::log1p(static_cast<double>(e))));
  EXPECT_LT(worst, 1.5e-7);
  EXPECT_EQ(cpu::log1p_unit(0.0f), 0.0f);
}

}  // namespace
}  // namespace latent
