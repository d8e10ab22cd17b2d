// A linear autoencoder with one code layer finds the PCA subspace: its reconstruction error
// approaches PCA's optimum (the sum of the covariance eigenvalues it leaves out).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "mnist_data.hpp"
#include "model_training.hpp"

namespace latent {
namespace {

using Matrix = std::vector<double>;  // row-major d × d

// Sum of the k largest eigenvalues of the symmetric PSD matrix c (orthogonal iteration).
double top_eigenvalue_sum(const Matrix& c, int64_t d, int64_t k) {
  Matrix q(d * k), z(d * k);
  for (int64_t i = 0; i < d * k; ++i) q[i] = std::sin(1.0 + i * 0.7);  // any full-rank start
  for (int iter = 0; iter < 500; ++iter) {
    for (int64_t i = 0; i < d; ++i)  // z = c·q
      for (int64_t j = 0; j < k; ++j) {
        double s = 0;
        for (int64_t l = 0; l < d; ++l) s += c[i * d + l] * q[l * k + j];
        z[i * k + j] = s;
      }
    for (int64_t j = 0; j < k; ++j) {  // q = orthonormalised z (Gram-Schmidt)
      for (int64_t p = 0; p < j; ++p) {
        double dot = 0;
        for (int64_t i = 0; i < d; ++i) dot += z[i * k + j] * z[i * k + p];
        for (int64_t i = 0; i < d; ++i) z[i * k + j] -= dot * z[i * k + p];
      }
      double norm = 0;
      for (int64_t i = 0; i < d; ++i) norm += z[i * k + j] * z[i * k + j];
      for (int64_t i = 0; i < d; ++i) z[i * k + j] /= std::sqrt(norm);
    }
    q.swap(z);
  }
  double trace = 0;  // trace(qᵀ c q)
  for (int64_t j = 0; j < k; ++j)
    for (int64_t i = 0; i < d; ++i)
      for (int64_t l = 0; l < d; ++l) trace += q[i * k + j] * c[i * d + l] * q[l * k + j];
  return trace;
}

TEST(LinearAe, ReachesThePcaOptimum) {
  const int64_t n = 2048, d = 196, k = 8;
  Tensor data = testing::mnist_subset(n, true);
  // PCA: covariance of the centred data; optimum error = trace - Σ top-k eigenvalues.
  std::vector<double> mean(d, 0.0);
  for (int64_t s = 0; s < n; ++s)
    for (int64_t j = 0; j < d; ++j) mean[j] += data.data()[s * d + j] / n;
  Matrix cov(d * d, 0.0);
  for (int64_t s = 0; s < n; ++s)
    for (int64_t i = 0; i < d; ++i) {
      double xi = data.data()[s * d + i] - mean[i];
      for (int64_t j = 0; j < d; ++j) cov[i * d + j] += xi * (data.data()[s * d + j] - mean[j]) / n;
    }
  double total = 0;
  for (int64_t i = 0; i < d; ++i) total += cov[i * d + i];
  double pca_error = total - top_eigenvalue_sum(cov, d, k);

  ModelConfig c;
  c.kind = "ae";
  c.hidden = {};  // encoder Linear(d → k), decoder Linear(k → d)
  c.latent = k;
  c.activation = "linear";
  c.recon = "mse";
  c.lr = 3e-3f;
  c.sample_shape = Shape{d};
  auto model = make_model(c, 1);
  testing::train_steps(*model, data, 128, 3000);
  double ae_error = testing::evaluate_all(*model, data, 128).get("recon");
  EXPECT_GT(ae_error, pca_error * 0.999);  // PCA is optimal: nothing beats it
  EXPECT_LT(ae_error, pca_error * 1.05) << "PCA optimum " << pca_error;
}

}  // namespace
}  // namespace latent
