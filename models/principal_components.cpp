#include "models/principal_components.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "models/symmetric_eigen.hpp"
#include "runtime/error.hpp"

namespace latent {

Projection2d project_2d(const std::vector<float>& rows, int64_t n, int64_t k) {
  if (n < 1 || k < 1 || static_cast<int64_t>(rows.size()) != n * k)
    throw UserError("PCA needs n x k values with n, k >= 1; got " + std::to_string(rows.size()) +
                    " values for n = " + std::to_string(n) + ", k = " + std::to_string(k));
  std::vector<double> mean(k, 0.0), cov(k * k, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < k; ++j) mean[j] += rows[i * k + j];
  for (double& m : mean) m /= static_cast<double>(n);
  std::vector<double> centred(k);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < k; ++j) centred[j] = rows[i * k + j] - mean[j];
    for (int64_t a = 0; a < k; ++a)
      for (int64_t b = a; b < k; ++b) cov[a * k + b] += centred[a] * centred[b];
  }
  for (int64_t a = 0; a < k; ++a)
    for (int64_t b = a; b < k; ++b) cov[b * k + a] = cov[a * k + b] /= static_cast<double>(n);

  SymmetricEigen eigen = symmetric_eigen(cov, k);
  const std::vector<double>& values = eigen.values;
  const std::vector<double>& vectors = eigen.vectors;
  std::vector<int64_t> order(k);
  std::iota(order.begin(), order.end(), int64_t{0});
  std::sort(order.begin(), order.end(),
            [&](int64_t a, int64_t b) { return values[a] > values[b]; });
  double total = 0;
  for (double v : values) total += std::max(0.0, v);

  Projection2d p;
  p.xy.assign(n * 2, 0.0);
  for (int c = 0; c < 2 && c < k; ++c) {
    int64_t e = order[c];
    std::vector<double>& axis = p.components[c];
    axis.resize(k);
    for (int64_t j = 0; j < k; ++j) axis[j] = vectors[j * k + e];
    auto largest = std::max_element(axis.begin(), axis.end(),
                                    [](double a, double b) { return std::fabs(a) < std::fabs(b); });
    if (*largest < 0)
      for (double& x : axis) x = -x;
    p.explained[c] = total > 0 ? std::max(0.0, values[e]) / total : 0.0;
    for (int64_t i = 0; i < n; ++i) {
      double dot = 0;
      for (int64_t j = 0; j < k; ++j) dot += (rows[i * k + j] - mean[j]) * axis[j];
      p.xy[i * 2 + c] = dot;
    }
  }
  return p;
}

}  // namespace latent
