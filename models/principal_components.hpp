#pragma once
// Principal components of a small set of codes, for 2-d maps of a latent space (plot-latent).
// Double arithmetic on a K x K covariance (K is a code size, tens to hundreds), decomposed by
// models/symmetric_eigen.hpp.
#include <cstdint>
#include <vector>

namespace latent {

struct Projection2d {
  std::vector<double> xy;             // n x 2, row-major: each row's coordinates on PC1, PC2
  double explained[2] = {0, 0};       // fraction of the total variance along PC1 and PC2
  std::vector<double> components[2];  // the unit axes (K values each)
};

// Projects n rows of k values (row-major) onto their first two principal components (of the
// centred data; eigenvectors of the covariance). Each axis' sign is
// fixed so that its largest-magnitude entry is positive: the same data gives the same picture.
// k == 1: PC2 is absent (zeros).
Projection2d project_2d(const std::vector<float>& rows, int64_t n, int64_t k);

}  // namespace latent
