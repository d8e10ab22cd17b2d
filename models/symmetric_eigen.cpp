#include "models/symmetric_eigen.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "runtime/error.hpp"

namespace latent {
namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

Eigen::SelfAdjointEigenSolver<RowMatrix> solve(const std::vector<double>& a, int64_t k) {
  if (k < 1 || static_cast<int64_t>(a.size()) != k * k)
    throw UserError("symmetric eigen-decomposition needs a k x k matrix with k >= 1; got " +
                    std::to_string(a.size()) + " values for k = " + std::to_string(k));
  Eigen::Map<const RowMatrix> m(a.data(), k, k);
  Eigen::SelfAdjointEigenSolver<RowMatrix> solver(m, Eigen::ComputeEigenvectors);
  if (solver.info() != Eigen::Success)
    throw std::runtime_error("symmetric eigen-decomposition of a " + std::to_string(k) + " x " +
                             std::to_string(k) + " matrix did not converge");
  return solver;
}

}  // namespace

SymmetricEigen symmetric_eigen(const std::vector<double>& a, int64_t k) {
  auto solver = solve(a, k);
  SymmetricEigen out;
  out.values.assign(solver.eigenvalues().data(), solver.eigenvalues().data() + k);
  RowMatrix v = solver.eigenvectors();
  out.vectors.assign(v.data(), v.data() + k * k);
  return out;
}

std::vector<double> symmetric_sqrt(const std::vector<double>& a, int64_t k) {
  auto solver = solve(a, k);
  // Rounding leaves tiny negative eigenvalues on a semi-definite matrix: they are 0.
  Eigen::VectorXd root = solver.eigenvalues().cwiseMax(0.0).cwiseSqrt();
  RowMatrix s = solver.eigenvectors() * root.asDiagonal() * solver.eigenvectors().transpose();
  return std::vector<double>(s.data(), s.data() + k * k);
}

}  // namespace latent
