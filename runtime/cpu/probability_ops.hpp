#pragma once
// CPU kernels of the classification and likelihood-bound ops (runtime/ops.hpp): plain loops
// over rows, kept apart from cpu_ops.hpp's oneDNN-backed ops.
#include <cstdint>

#include "runtime/tensor.hpp"

namespace latent::cpu {

double softmax_cross_entropy(const Tensor& logits, const Tensor& labels, Tensor* grad,
                             float grad_scale, Tensor* per_sample);
void argmax_rows(const Tensor& x, Tensor& out);
int64_t count_equal(const Tensor& a, const Tensor& b);
void logsumexp_rows(const Tensor& x, Tensor& out);
void gaussian_log_ratio(const Tensor& z, const Tensor& eps, const Tensor& logvar, Tensor& out);
double sum_sigmoid(const Tensor& z);
int64_t count_sign(const Tensor& z, bool positive);

}  // namespace latent::cpu
