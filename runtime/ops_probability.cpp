// Dispatch of the classification and likelihood-bound ops (declared in runtime/ops.hpp): shape
// checks here, the loops in runtime/cpu/probability.cpp and runtime/cuda/probability.cu.
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/cpu/cpu_ops.hpp"
#include "runtime/ops.hpp"
#include "runtime/ops_dispatch.hpp"

namespace latent::ops {
namespace {

void expect(bool ok, const char* op, const std::string& what) {
  if (!ok) throw std::invalid_argument(std::string(op) + ": " + what);
}

void rows_match(const char* op, const Tensor& x, const Tensor& per_row) {
  expect(x.rank() >= 1 && per_row.numel() == x.dim(0), op,
         x.shape().str() + " needs one value per row, got " + per_row.shape().str());
}

}  // namespace

Scalar softmax_cross_entropy(const Tensor& logits, const Tensor& labels, Tensor* grad,
                             float grad_scale, Tensor* per_sample) {
  const char* op = "softmax_cross_entropy";
  const Device d = device_of(op, {&logits, &labels, grad, per_sample});
  rows_match(op, logits, labels);
  if (grad) expect(grad->numel() == logits.numel(), op, "grad differs from logits in size");
  if (per_sample) rows_match(op, logits, *per_sample);
  const int64_t classes = logits.shape().per_sample();
  // The labels index the logits' rows: one outside 0..classes-1 would read past a row, silently
  // on a GPU. So they are checked on every device; GPU labels are copied to the host for it
  // ([N] floats, a small read-back beside the step; callers upload labels from the host anyway).
  std::vector<float> host_labels;
  const float* label_values = labels.data();
  if (d != Device::kCpu) {
    host_labels.resize(static_cast<size_t>(labels.numel()));
    copy_to_host(labels, host_labels.data());
    label_values = host_labels.data();
  }
  for (int64_t n = 0; n < labels.numel(); ++n) {
    const float y = label_values[n];
    expect(y >= 0 && y < static_cast<float>(classes) && y == static_cast<float>(int64_t(y)), op,
           "label " + std::to_string(y) + " of row " + std::to_string(n) +
               " is not a class in 0.." + std::to_string(classes - 1));
  }
  return pending_total(d, [&](double* total) {
    LATENT_ON_DEVICE(d, softmax_cross_entropy(logits, labels, grad, grad_scale, per_sample, total));
  });
}

void argmax_rows(const Tensor& x, Tensor& out) {
  const Device d = device_of("argmax_rows", {&x, &out});
  rows_match("argmax_rows", x, out);
  expect(x.shape().per_sample() > 0, "argmax_rows", "rows of no columns");
  LATENT_ON_DEVICE(d, argmax_rows(x, out));
}

Scalar count_equal(const Tensor& a, const Tensor& b) {
  const Device d = device_of("count_equal", {&a, &b});
  expect(a.numel() == b.numel(), "count_equal", a.shape().str() + " vs " + b.shape().str());
  return pending_total(d, [&](double* total) { LATENT_ON_DEVICE(d, count_equal(a, b, total)); });
}

void logsumexp_rows(const Tensor& x, Tensor& out) {
  const Device d = device_of("logsumexp_rows", {&x, &out});
  rows_match("logsumexp_rows", x, out);
  expect(x.shape().per_sample() > 0, "logsumexp_rows", "rows of no columns");
  LATENT_ON_DEVICE(d, logsumexp_rows(x, out));
}

void gaussian_log_ratio(const Tensor& z, const Tensor& eps, const Tensor& logvar, Tensor& out) {
  const Device d = device_of("gaussian_log_ratio", {&z, &eps, &logvar, &out});
  expect(z.numel() == eps.numel() && z.numel() == logvar.numel(), "gaussian_log_ratio",
         "z " + z.shape().str() + ", ε " + eps.shape().str() + ", log σ² " + logvar.shape().str() +
             " differ in size");
  rows_match("gaussian_log_ratio", z, out);
  LATENT_ON_DEVICE(d, gaussian_log_ratio(z, eps, logvar, out));
}

Scalar sum_sigmoid(const Tensor& z) {
  const Device d = device_of("sum_sigmoid", {&z});
  return pending_total(d, [&](double* total) { LATENT_ON_DEVICE(d, sum_sigmoid(z, total)); });
}

Scalar count_sign(const Tensor& z, bool positive) {
  const Device d = device_of("count_sign", {&z});
  return pending_total(d,
                       [&](double* total) { LATENT_ON_DEVICE(d, count_sign(z, positive, total)); });
}

}  // namespace latent::ops
