// Dispatch of the classification and likelihood-bound ops (declared in runtime/ops.hpp): shape
// checks here, the loops in runtime/cpu/probability.cpp.
#include <stdexcept>
#include <string>

#include "runtime/cpu/probability_ops.hpp"
#include "runtime/ops.hpp"

namespace latent::ops {
namespace {

void expect(bool ok, const char* op, const std::string& what) {
  if (!ok) throw std::invalid_argument(std::string(op) + ": " + what);
}

void on_cpu(const char* op, const Tensor& t) {
  expect(t.device() == Device::kCpu, op, "tensor not on the CPU (this build has no other backend)");
}

void rows_match(const char* op, const Tensor& x, const Tensor& per_row) {
  expect(x.rank() >= 1 && per_row.numel() == x.dim(0), op,
         x.shape().str() + " needs one value per row, got " + per_row.shape().str());
}

}  // namespace

double softmax_cross_entropy(const Tensor& logits, const Tensor& labels, Tensor* grad,
                             float grad_scale, Tensor* per_sample) {
  const char* op = "softmax_cross_entropy";
  for (const Tensor* t :
       {&logits, &labels, static_cast<const Tensor*>(grad), static_cast<const Tensor*>(per_sample)})
    if (t) on_cpu(op, *t);
  rows_match(op, logits, labels);
  if (grad) expect(grad->numel() == logits.numel(), op, "grad differs from logits in size");
  if (per_sample) rows_match(op, logits, *per_sample);
  const int64_t classes = logits.shape().per_sample();
  for (int64_t n = 0; n < labels.numel(); ++n) {
    const float y = labels.data()[n];
    expect(y >= 0 && y < static_cast<float>(classes) && y == static_cast<float>(int64_t(y)), op,
           "label " + std::to_string(y) + " of row " + std::to_string(n) +
               " is not a class in 0.." + std::to_string(classes - 1));
  }
  return cpu::softmax_cross_entropy(logits, labels, grad, grad_scale, per_sample);
}

void argmax_rows(const Tensor& x, Tensor& out) {
  on_cpu("argmax_rows", x);
  on_cpu("argmax_rows", out);
  rows_match("argmax_rows", x, out);
  expect(x.shape().per_sample() > 0, "argmax_rows", "rows of no columns");
  cpu::argmax_rows(x, out);
}

int64_t count_equal(const Tensor& a, const Tensor& b) {
  on_cpu("count_equal", a);
  on_cpu("count_equal", b);
  expect(a.numel() == b.numel(), "count_equal", a.shape().str() + " vs " + b.shape().str());
  return cpu::count_equal(a, b);
}

void logsumexp_rows(const Tensor& x, Tensor& out) {
  on_cpu("logsumexp_rows", x);
  on_cpu("logsumexp_rows", out);
  rows_match("logsumexp_rows", x, out);
  expect(x.shape().per_sample() > 0, "logsumexp_rows", "rows of no columns");
  cpu::logsumexp_rows(x, out);
}

void gaussian_log_ratio(const Tensor& z, const Tensor& eps, const Tensor& logvar, Tensor& out) {
  for (const Tensor* t : {&z, &eps, &logvar, static_cast<const Tensor*>(&out)})
    on_cpu("gaussian_log_ratio", *t);
  expect(z.numel() == eps.numel() && z.numel() == logvar.numel(), "gaussian_log_ratio",
         "z " + z.shape().str() + ", ε " + eps.shape().str() + ", log σ² " + logvar.shape().str() +
             " differ in size");
  rows_match("gaussian_log_ratio", z, out);
  cpu::gaussian_log_ratio(z, eps, logvar, out);
}

double sum_sigmoid(const Tensor& z) {
  on_cpu("sum_sigmoid", z);
  return cpu::sum_sigmoid(z);
}

int64_t count_sign(const Tensor& z, bool positive) {
  on_cpu("count_sign", z);
  return cpu::count_sign(z, positive);
}

}  // namespace latent::ops
