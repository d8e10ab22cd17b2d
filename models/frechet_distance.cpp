#include "models/frechet_distance.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <string>

#include "models/symmetric_eigen.hpp"
#include "runtime/error.hpp"
#include "runtime/ops.hpp"

namespace latent {
namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace

FeatureMoments::FeatureMoments(int64_t dim)
    : dim_(dim),
      sum_(dim, 0.0),
      outer_(dim * dim, 0.0),
      batch_sum_(Shape{dim}),
      batch_outer_(Shape{dim, dim}),
      host_sum_(dim),
      host_outer_(dim * dim) {}

void FeatureMoments::add(const Tensor& features) {
  if (features.rank() != 2 || features.dim(1) != dim_)
    throw std::invalid_argument("FeatureMoments::add: features " + features.shape().str() +
                                ", expected (N, " + std::to_string(dim_) + ")");
  if (features.dim(0) == 0) return;
  // Per batch in float (a few hundred rows), accumulated over batches in double.
  batch_sum_.resize(Shape{dim_}, features.device());
  batch_outer_.resize(Shape{dim_, dim_}, features.device());
  ops::sum_rows(features, batch_sum_, false);
  ops::matmul(features, true, features, false, batch_outer_);
  ops::copy_to_host(batch_sum_, host_sum_.data());
  ops::copy_to_host(batch_outer_, host_outer_.data());
  for (int64_t i = 0; i < dim_; ++i) sum_[i] += host_sum_[i];
  for (int64_t i = 0; i < dim_ * dim_; ++i) outer_[i] += host_outer_[i];
  count_ += static_cast<double>(features.dim(0));
}

void FeatureMoments::sum_across(Communicator& comm) {
  if (comm.size() == 1) return;
  comm.allreduce_sum(&count_, 1);
  comm.allreduce_sum(sum_.data(), sum_.size());
  comm.allreduce_sum(outer_.data(), outer_.size());
}

std::vector<double> FeatureMoments::mean() const {
  std::vector<double> m(sum_);
  for (double& v : m) v /= std::max(1.0, count_);
  return m;
}

std::vector<double> FeatureMoments::covariance() const {
  if (count_ < 2)
    throw UserError("a covariance needs at least 2 samples; got " + std::to_string(count_));
  std::vector<double> m = mean(), cov(dim_ * dim_);
  // Σ (x - μ)(x - μ)ᵀ = Σ x xᵀ - n μ μᵀ
  for (int64_t i = 0; i < dim_; ++i)
    for (int64_t j = 0; j < dim_; ++j)
      cov[i * dim_ + j] = (outer_[i * dim_ + j] - count_ * m[i] * m[j]) / (count_ - 1);
  return cov;
}

double frechet_distance(const std::vector<double>& mean1, const std::vector<double>& cov1,
                        const std::vector<double>& mean2, const std::vector<double>& cov2,
                        int64_t k) {
  Eigen::Map<const Eigen::VectorXd> m1(mean1.data(), k), m2(mean2.data(), k);
  Eigen::Map<const RowMatrix> s1(cov1.data(), k, k), s2(cov2.data(), k, k);
  std::vector<double> root1 = symmetric_sqrt(cov1, k);
  Eigen::Map<const RowMatrix> r1(root1.data(), k, k);
  RowMatrix inner = r1 * s2 * r1;
  inner = 0.5 * (inner + inner.transpose());  // symmetric up to rounding; make it exactly so
  std::vector<double> inner_values(inner.data(), inner.data() + k * k);
  double trace_root = 0;
  for (double v : symmetric_eigen(inner_values, k).values)
    trace_root += std::sqrt(std::max(v, 0.0));
  return (m1 - m2).squaredNorm() + s1.trace() + s2.trace() - 2 * trace_root;
}

double frechet_distance(const FeatureMoments& a, const FeatureMoments& b) {
  if (a.dim() != b.dim())
    throw std::invalid_argument("frechet_distance: features of " + std::to_string(a.dim()) +
                                " and " + std::to_string(b.dim()) + " dimensions");
  return frechet_distance(a.mean(), a.covariance(), b.mean(), b.covariance(), a.dim());
}

}  // namespace latent
