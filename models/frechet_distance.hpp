#pragma once
// The Fréchet distance between two sets of feature vectors, each summarised by a Gaussian
// (mean, covariance): FID when the features are a judge network's penultimate layer.
//   d² = |μ₁ - μ₂|² + tr Σ₁ + tr Σ₂ - 2 tr (Σ₁^½ Σ₂ Σ₁^½)^½
// (the last trace equals tr (Σ₁Σ₂)^½ but needs only symmetric square roots; both come from
// models/symmetric_eigen.hpp). Everything is double precision.
#include <cstdint>
#include <vector>

#include "runtime/communicator.hpp"
#include "runtime/tensor.hpp"

namespace latent {

// Running sums of feature rows, for their mean and covariance; a data-parallel job adds each
// rank's rows and then sums the moments over the ranks.
class FeatureMoments {
 public:
  explicit FeatureMoments(int64_t dim);
  // Adds the rows of `features` (N, dim): Σ x by ops::sum_rows, Σ x xᵀ by one matmul per batch.
  void add(const Tensor& features);
  // Sums count, Σ x and Σ x xᵀ over the ranks of `comm` (collective).
  void sum_across(Communicator& comm);
  int64_t dim() const { return dim_; }
  double count() const { return count_; }
  std::vector<double> mean() const;
  // The unbiased covariance (divided by count - 1), dim x dim row-major.
  std::vector<double> covariance() const;

 private:
  int64_t dim_;
  double count_ = 0;
  std::vector<double> sum_, outer_;
  Tensor batch_sum_, batch_outer_;
  std::vector<float> host_sum_, host_outer_;  // a batch's moments read back, added in double
};

// d² above for two Gaussians of dimension k (covariances k x k row-major, symmetric).
double frechet_distance(const std::vector<double>& mean1, const std::vector<double>& cov1,
                        const std::vector<double>& mean2, const std::vector<double>& cov2,
                        int64_t k);
// The same between the two sets the moments summarise.
double frechet_distance(const FeatureMoments& a, const FeatureMoments& b);

}  // namespace latent
