#include "models/principal_components.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "runtime/error.hpp"

namespace latent {
namespace {

// Eigen-decomposition of the symmetric k x k matrix `a` (destroyed) by cyclic Jacobi
// rotations: returns eigenvalues, and eigenvectors as the columns of `v`.
std::vector<double> jacobi_eigen(std::vector<double>& a, int64_t k, std::vector<double>& v) {
  v.assign(k * k, 0.0);
  for (int64_t i = 0; i < k; ++i) v[i * k + i] = 1.0;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0, total = 0;
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < k; ++j) (i == j ? total : off) += a[i * k + j] * a[i * k + j];
    if (off <= 1e-22 * (total + off) || off == 0) break;
    for (int64_t p = 0; p < k; ++p)
      for (int64_t q = p + 1; q < k; ++q) {
        double apq = a[p * k + q];
        if (apq == 0) continue;
        double theta = (a[q * k + q] - a[p * k + p]) / (2 * apq);
        double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (int64_t r = 0; r < k; ++r) {  // columns p, q of a·J
          double arp = a[r * k + p], arq = a[r * k + q];
          a[r * k + p] = c * arp - s * arq;
          a[r * k + q] = s * arp + c * arq;
        }
        for (int64_t r = 0; r < k; ++r) {  // rows p, q of Jᵀ·a
          double apr = a[p * k + r], aqr = a[q * k + r];
          a[p * k + r] = c * apr - s * aqr;
          a[q * k + r] = s * apr + c * aqr;
        }
        for (int64_t r = 0; r < k; ++r) {
          double vrp = v[r * k + p], vrq = v[r * k + q];
          v[r * k + p] = c * vrp - s * vrq;
          v[r * k + q] = s * vrp + c * vrq;
        }
      }
  }
  std::vector<double> values(k);
  for (int64_t i = 0; i < k; ++i) values[i] = a[i * k + i];
  return values;
}

}  // namespace

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

  std::vector<double> vectors;
  std::vector<double> values = jacobi_eigen(cov, k, vectors);
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
