// PCA for latent maps: known axes and variances come back.
#include <gtest/gtest.h>

#include <cmath>

#include "models/principal_components.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

TEST(PrincipalComponents, FindsTheAxesOfLargestVariance) {
  // Points a·u + b·w + 5 with u = (1, 1, 0)/√2, w = (0, 0, 1): a ∈ {±3}, b ∈ {±1}; variance 9
  // along u, 1 along w, none along (1, -1, 0).
  const double r = 1 / std::sqrt(2.0);
  std::vector<float> rows;
  for (double a : {-3.0, 3.0})
    for (double b : {-1.0, 1.0})
      for (double x : {a * r + 5, a * r + 5, b + 5}) rows.push_back(static_cast<float>(x));
  Projection2d p = project_2d(rows, 4, 3);
  EXPECT_NEAR(p.components[0][0], r, 1e-5);
  EXPECT_NEAR(p.components[0][1], r, 1e-5);
  EXPECT_NEAR(p.components[0][2], 0, 1e-5);
  EXPECT_NEAR(std::fabs(p.components[1][2]), 1, 1e-5);
  EXPECT_NEAR(p.explained[0], 0.9, 1e-5);
  EXPECT_NEAR(p.explained[1], 0.1, 1e-5);
  // First point (a = -3, b = -1): coordinates -3 and ∓1 (PC2's sign makes w's entry positive).
  EXPECT_NEAR(p.xy[0], -3, 1e-4);
  EXPECT_NEAR(p.xy[1], -1, 1e-4);
}

TEST(PrincipalComponents, OneDimensionalCodesHaveNoSecondAxis) {
  Projection2d p = project_2d({1, 2, 3}, 3, 1);
  EXPECT_NEAR(p.xy[0], -1, 1e-9);
  EXPECT_EQ(p.xy[1], 0);
  EXPECT_NEAR(p.explained[0], 1, 1e-12);
  EXPECT_THROW(project_2d({1, 2, 3}, 2, 2), UserError);
}

}  // namespace
}  // namespace latent
