#pragma once
// Eigen-decomposition of a symmetric matrix by a real linear-algebra library (Eigen's
// SelfAdjointEigenSolver: tridiagonalisation and implicit QL), in double precision. Used by
// the PCA of codes (plot-latent) and the matrix square roots of the Fréchet distance (score).
#include <cstdint>
#include <vector>

namespace latent {

struct SymmetricEigen {
  std::vector<double> values;   // k eigenvalues, ascending
  std::vector<double> vectors;  // k x k row-major: column e is the unit eigenvector of values[e]
};

// `a` is k x k row-major and symmetric (only its lower triangle is read). UserError when k < 1
// or a's size is not k²; std::runtime_error if the solver does not converge.
SymmetricEigen symmetric_eigen(const std::vector<double>& a, int64_t k);

// The symmetric positive semi-definite square root of symmetric `a` (k x k): V·√max(λ, 0)·Vᵀ.
std::vector<double> symmetric_sqrt(const std::vector<double>& a, int64_t k);

}  // namespace latent
