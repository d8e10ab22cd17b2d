// The Fréchet distance: 0 for a set against itself, growing as noise is added, the closed form
// for Gaussians whose covariances commute, and the library eigensolver behind it (and behind
// plot-latent's PCA) returning what it promises.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "models/frechet_distance.hpp"
#include "models/symmetric_eigen.hpp"
#include "runtime/error.hpp"
#include "runtime/rng.hpp"

namespace latent {
namespace {

// n correlated features: x = A·g with g ~ N(0, I), plus an offset.
Tensor correlated_features(int64_t n, int64_t d, uint32_t seed) {
  Tensor g(Shape{n, d}), x(Shape{n, d});
  CounterRng(seed, 1).fill_normal(g, 0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < d; ++j) {
      double v = 0.5 * j;
      for (int64_t l = 0; l <= j; ++l) v += g.data()[i * d + l] / (1.0 + l);
      x.data()[i * d + j] = static_cast<float>(v);
    }
  return x;
}

FeatureMoments moments_of(const Tensor& x) {
  FeatureMoments m(x.dim(1));
  for (int64_t b = 0; b < x.dim(0); b += 250) m.add(x.slice(b, std::min(x.dim(0), b + 250)));
  return m;
}

TEST(FrechetDistance, OfASetAgainstItselfIsZeroAndGrowsWithNoise) {
  Tensor x = correlated_features(4000, 16, 1);
  FeatureMoments a = moments_of(x);
  const double self = frechet_distance(a, a);
  EXPECT_NEAR(self, 0.0, 1e-6);
  double previous = self;
  for (float sigma : {0.1f, 0.3f, 1.0f}) {
    Tensor noise(x.shape()), noisy(x.shape());
    CounterRng(7, 2).fill_normal(noise, 0);
    for (int64_t i = 0; i < x.numel(); ++i) noisy.data()[i] = x.data()[i] + sigma * noise.data()[i];
    const double d = frechet_distance(a, moments_of(noisy));
    std::printf("noise σ %.1f: FID %.4f\n", sigma, d);
    EXPECT_GT(d, previous) << sigma;
    // Independent noise adds σ² I to the covariance: about d·(σ²/2)²/var for small σ, and
    // never more than tr of it (16 σ²).
    EXPECT_LT(d, 16 * sigma * sigma + 0.05) << sigma;
    previous = d;
  }
}

TEST(FrechetDistance, MatchesTheClosedFormForCommutingCovariances) {
  // μ₁ = 0, Σ₁ = diag(1, 4); μ₂ = (1, 0), Σ₂ = diag(4, 1): 1 + 10 - 2·(2 + 2) = 3.
  std::vector<double> m1{0, 0}, c1{1, 0, 0, 4}, m2{1, 0}, c2{4, 0, 0, 1};
  EXPECT_NEAR(frechet_distance(m1, c1, m2, c2, 2), 3.0, 1e-12);
  // Two independent samples of one distribution are close: only the sampling error remains.
  const double d = frechet_distance(moments_of(correlated_features(4000, 16, 1)),
                                    moments_of(correlated_features(4000, 16, 2)));
  EXPECT_GT(d, 0.0);
  EXPECT_LT(d, 0.1);
}

TEST(SymmetricEigen, DecomposesAndTakesTheSquareRoot) {
  // [[2, 1], [1, 2]]: eigenvalues 1 and 3 on (1, -1)/√2 and (1, 1)/√2.
  std::vector<double> a{2, 1, 1, 2};
  SymmetricEigen e = symmetric_eigen(a, 2);
  EXPECT_NEAR(e.values[0], 1.0, 1e-12);
  EXPECT_NEAR(e.values[1], 3.0, 1e-12);
  EXPECT_NEAR(std::abs(e.vectors[0 * 2 + 1]), std::sqrt(0.5), 1e-12);  // column 1 = (1, 1)/√2
  EXPECT_NEAR(e.vectors[0 * 2 + 1], e.vectors[1 * 2 + 1], 1e-12);
  std::vector<double> r = symmetric_sqrt(a, 2);  // r·r = a
  EXPECT_NEAR(r[0] * r[0] + r[1] * r[2], 2.0, 1e-12);
  EXPECT_NEAR(r[0] * r[1] + r[1] * r[3], 1.0, 1e-12);
  EXPECT_THROW(symmetric_eigen(a, 3), UserError);
}

}  // namespace
}  // namespace latent
