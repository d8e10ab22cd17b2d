// Backend dispatch: checks shapes once, then hands each op to the device's implementation.
#include "runtime/ops.hpp"

#include <initializer_list>
#include <stdexcept>
#include <string>

#include "runtime/ops_dispatch.hpp"
#include "runtime/ops_optim.hpp"

namespace latent::ops {
namespace {

void expect(bool ok, const char* op, const std::string& what) {
  if (!ok) throw std::invalid_argument(std::string(op) + ": " + what);
}

// Ops that walk tensors element by element in step need them in one layout.
void same_layout(const char* op, std::initializer_list<const Tensor*> tensors) {
  const Tensor* first = *tensors.begin();
  for (const Tensor* t : tensors)
    expect(t->channels_last() == first->channels_last(), op,
           "tensors in different layouts (channels-last and nchw)");
}

void same_numel(const char* op, const Tensor& a, const Tensor& b) {
  expect(a.numel() == b.numel(), op,
         "shapes " + a.shape().str() + " and " + b.shape().str() + " differ in size");
}

void check_conv(const char* op, const Tensor& x, const Tensor& w, const Tensor& y, bool deconv,
                const ConvGeometry& g) {
  expect(x.rank() == 4 && w.rank() == 4 && y.rank() == 4, op, "expects 4-d x, w, y");
  expect(w.dim(2) == w.dim(3), op, "kernel must be square, got " + w.shape().str());
  int64_t k = w.dim(2);
  int64_t oh = deconv ? deconv_out_size(x.dim(2), k, g) : conv_out_size(x.dim(2), k, g);
  int64_t ow = deconv ? deconv_out_size(x.dim(3), k, g) : conv_out_size(x.dim(3), k, g);
  expect(x.dim(1) == w.dim(1) && y.dim(1) == w.dim(0) && y.dim(0) == x.dim(0) && y.dim(2) == oh &&
             y.dim(3) == ow,
         op,
         "x " + x.shape().str() + ", w " + w.shape().str() + ", y " + y.shape().str() +
             " do not fit stride " + std::to_string(g.stride) + " pad " + std::to_string(g.pad));
}

}  // namespace

int64_t conv_out_size(int64_t in, int64_t kernel, const ConvGeometry& g) {
  return (in + 2 * g.pad - kernel) / g.stride + 1;
}

int64_t deconv_out_size(int64_t in, int64_t kernel, const ConvGeometry& g) {
  return (in - 1) * g.stride - 2 * g.pad + kernel;
}

namespace {
void check_matmul(const char* op, const Tensor& a, const Tensor& b, const Tensor& c,
                  const Tensor* bias) {
  int64_t m = c.dim(0), n = c.shape().per_sample();
  expect(m > 0 && a.numel() % m == 0, op, "a " + a.shape().str() + " vs c " + c.shape().str());
  int64_t k = a.numel() / m;
  expect(b.numel() == k * n, op,
         "a " + a.shape().str() + " · b " + b.shape().str() + " != c " + c.shape().str());
  expect(!bias || bias->numel() == n, op, "bias size differs from columns of c");
}
}  // namespace

const char* math_name(Math m) {
  switch (m) {
    case Math::kFp32:
      return "fp32";
    case Math::kTf32:
      return "tf32";
    case Math::kBf16:
      return "bf16";
  }
  return "?";
}

void matmul(const Tensor& a, bool trans_a, const Tensor& b, bool trans_b, Tensor& c,
            bool accumulate, const Tensor* bias, Math math) {
  const Device d = device_of("matmul", {&a, &b, &c, bias});
  check_matmul("matmul", a, b, c, bias);
  LATENT_ON_DEVICE(d, matmul(a, trans_a, b, trans_b, c, accumulate, bias, math));
}

void sum_rows(const Tensor& x, Tensor& y, bool accumulate) {
  const Device d = device_of("sum_rows", {&x, &y});
  expect(x.shape().per_sample() == y.numel(), "sum_rows",
         x.shape().str() + " to " + y.shape().str());
  LATENT_ON_DEVICE(d, sum_rows(x, y, accumulate));
}

void conv2d_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y,
                    const ConvGeometry& g) {
  const Device d = device_of("conv2d_forward", {&x, &w, b, &y});
  check_conv("conv2d_forward", x, w, y, false, g);
  LATENT_ON_DEVICE(d, conv2d_forward(x, w, b, y, g));
}
void conv2d_backward_data(const Tensor& dy, const Tensor& w, Tensor& dx, const ConvGeometry& g) {
  const Device d = device_of("conv2d_backward_data", {&dy, &w, &dx});
  check_conv("conv2d_backward_data", dx, w, dy, false, g);
  LATENT_ON_DEVICE(d, conv2d_backward_data(dy, w, dx, g));
}
void conv2d_backward_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db,
                             const ConvGeometry& g) {
  const Device d = device_of("conv2d_backward_weights", {&x, &dy, &dw, db});
  check_conv("conv2d_backward_weights", x, dw, dy, false, g);
  LATENT_ON_DEVICE(d, conv2d_backward_weights(x, dy, dw, db, g));
}
void deconv2d_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y,
                      const ConvGeometry& g) {
  const Device d = device_of("deconv2d_forward", {&x, &w, b, &y});
  check_conv("deconv2d_forward", x, w, y, true, g);
  LATENT_ON_DEVICE(d, deconv2d_forward(x, w, b, y, g));
}
void deconv2d_backward_data(const Tensor& dy, const Tensor& w, Tensor& dx, const ConvGeometry& g) {
  const Device d = device_of("deconv2d_backward_data", {&dy, &w, &dx});
  check_conv("deconv2d_backward_data", dx, w, dy, true, g);
  LATENT_ON_DEVICE(d, deconv2d_backward_data(dy, w, dx, g));
}
void deconv2d_backward_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db,
                               const ConvGeometry& g) {
  const Device d = device_of("deconv2d_backward_weights", {&x, &dy, &dw, db});
  check_conv("deconv2d_backward_weights", x, dw, dy, true, g);
  LATENT_ON_DEVICE(d, deconv2d_backward_weights(x, dy, dw, db, g));
}

void batchnorm_forward_train(const Tensor& x, const Tensor& scale, const Tensor& shift, Tensor& y,
                             Tensor& mean, Tensor& var, float eps) {
  const Device d = device_of("batchnorm_forward_train", {&x, &scale, &shift, &y, &mean, &var});
  same_numel("batchnorm_forward_train", x, y);
  same_layout("batchnorm_forward_train", {&x, &y});
  expect(scale.numel() == x.dim(1), "batchnorm", "scale size != channels of " + x.shape().str());
  LATENT_ON_DEVICE(d, batchnorm_forward_train(x, scale, shift, y, mean, var, eps));
}
void batchnorm_forward_infer(const Tensor& x, const Tensor& scale, const Tensor& shift,
                             const Tensor& mean, const Tensor& var, Tensor& y, float eps) {
  const Device d = device_of("batchnorm_forward_infer", {&x, &scale, &shift, &y, &mean, &var});
  same_numel("batchnorm_forward_infer", x, y);
  same_layout("batchnorm_forward_infer", {&x, &y});
  expect(scale.numel() == x.dim(1), "batchnorm", "scale size != channels of " + x.shape().str());
  LATENT_ON_DEVICE(d, batchnorm_forward_infer(x, scale, shift, mean, var, y, eps));
}
void batchnorm_backward(const Tensor& x, const Tensor& dy, const Tensor& scale, const Tensor& mean,
                        const Tensor& var, Tensor& dx, Tensor& dscale, Tensor& dshift, float eps) {
  const Device d =
      device_of("batchnorm_backward", {&x, &dy, &scale, &mean, &var, &dx, &dscale, &dshift});
  same_numel("batchnorm_backward", x, dy);
  same_numel("batchnorm_backward", x, dx);
  same_layout("batchnorm_backward", {&x, &dy, &dx});
  LATENT_ON_DEVICE(d, batchnorm_backward(x, dy, scale, mean, var, dx, dscale, dshift, eps));
}

void channel_sums(const Tensor& x, const Tensor* mean, Tensor& sum) {
  const Device d = device_of("channel_sums", {&x, mean, &sum});
  expect(sum.numel() == x.dim(1), "channel_sums", "sum size != channels of " + x.shape().str());
  LATENT_ON_DEVICE(d, channel_sums(x, mean, sum));
}
void batchnorm_backward_data_from_sums(const Tensor& x, const Tensor& dy, const Tensor& scale,
                                       const Tensor& mean, const Tensor& var, const Tensor& sum_dy,
                                       const Tensor& sum_dy_xhat, double count, Tensor& dx,
                                       float eps) {
  const Device d = device_of("batchnorm_backward_data_from_sums",
                             {&x, &dy, &scale, &mean, &var, &sum_dy, &sum_dy_xhat, &dx});
  same_numel("batchnorm_backward_data_from_sums", x, dy);
  same_numel("batchnorm_backward_data_from_sums", x, dx);
  same_layout("batchnorm_backward_data_from_sums", {&x, &dy, &dx});
  LATENT_ON_DEVICE(d, batchnorm_backward_data_from_sums(x, dy, scale, mean, var, sum_dy,
                                                        sum_dy_xhat, count, dx, eps));
}

void mean_from_sums(const Tensor& sum, double count, Tensor& mean) {
  const Device d = device_of("mean_from_sums", {&sum, &mean});
  same_numel("mean_from_sums", sum, mean);
  LATENT_ON_DEVICE(d, mean_from_sums(sum, count, mean));
}

bool activation_fuses(Activation f, float alpha) {
  return (f == Activation::kRelu || f == Activation::kLeakyRelu) && alpha >= 0.0f;
}

void conv2d_forward_activated(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y,
                              const ConvGeometry& g, Activation f, float alpha) {
  const Device d = device_of("conv2d_forward_activated", {&x, &w, b, &y});
  check_conv("conv2d_forward_activated", x, w, y, false, g);
  expect(activation_fuses(f, alpha), "conv2d_forward_activated",
         "takes ReLU and leaky ReLU with alpha >= 0 only");
  if (d == Device::kCpu) return cpu::conv2d_forward_activated(x, w, b, y, g, f, alpha);
  // Other backends: the two ops, the activation in place.
  LATENT_ON_DEVICE(d, conv2d_forward(x, w, b, y, g));
  LATENT_ON_DEVICE(d, eltwise_forward(f, alpha, y, y));
}

void matmul_activated(const Tensor& a, bool trans_a, const Tensor& b, bool trans_b, Tensor& c,
                      const Tensor* bias, Activation f, float alpha, Math math) {
  const Device d = device_of("matmul_activated", {&a, &b, &c, bias});
  check_matmul("matmul_activated", a, b, c, bias);
  expect(activation_fuses(f, alpha), "matmul_activated",
         "takes ReLU and leaky ReLU with alpha >= 0 only");
  if (d == Device::kCpu)
    return cpu::matmul_activated(a, trans_a, b, trans_b, c, bias, f, alpha, math);
  // Other backends: the two ops, the activation in place.
  LATENT_ON_DEVICE(d, matmul(a, trans_a, b, trans_b, c, false, bias, math));
  LATENT_ON_DEVICE(d, eltwise_forward(f, alpha, c, c));
}

void eltwise_forward(Activation f, float alpha, const Tensor& x, Tensor& y) {
  const Device d = device_of("eltwise_forward", {&x, &y});
  same_numel("eltwise_forward", x, y);
  same_layout("eltwise_forward", {&x, &y});
  LATENT_ON_DEVICE(d, eltwise_forward(f, alpha, x, y));
}
void eltwise_backward(Activation f, float alpha, const Tensor& x, const Tensor& dy, Tensor& dx) {
  const Device d = device_of("eltwise_backward", {&x, &dy, &dx});
  same_numel("eltwise_backward", x, dy);
  same_layout("eltwise_backward", {&x, &dy, &dx});
  same_numel("eltwise_backward", x, dx);
  LATENT_ON_DEVICE(d, eltwise_backward(f, alpha, x, dy, dx));
}

void fill(Tensor& x, float value) {
  const Device d = device_of("fill", {&x});
  LATENT_ON_DEVICE(d, fill(x, value));
  x.note_written();
}
void copy(const Tensor& src, Tensor& dst) {
  const Device d = device_of("copy", {&src, &dst});
  same_numel("copy", src, dst);
  LATENT_ON_DEVICE(d, copy(src, dst));
  dst.note_written();
}

// Both nchw; the window lies inside x (or dx).
void expect_window(const char* op, const Tensor& big, int64_t top, int64_t left,
                   const Tensor& small) {
  const Shape& b = big.shape();
  const Shape& s = small.shape();
  expect(b.rank() == 4 && s.rank() == 4 && b[0] == s[0] && b[1] == s[1] && top >= 0 && left >= 0 &&
             top + s[2] <= b[2] && left + s[3] <= b[3] && !big.channels_last() &&
             !small.channels_last(),
         op,
         "window " + s.str() + " at (" + std::to_string(top) + ", " + std::to_string(left) +
             ") of " + b.str());
}
void crop2d(const Tensor& x, int64_t top, int64_t left, Tensor& y) {
  const Device d = device_of("crop2d", {&x, &y});
  expect_window("crop2d", x, top, left, y);
  LATENT_ON_DEVICE(d, crop2d(x, top, left, y));
}
void crop2d_backward(const Tensor& dy, int64_t top, int64_t left, Tensor& dx) {
  const Device d = device_of("crop2d_backward", {&dy, &dx});
  expect_window("crop2d_backward", dx, top, left, dy);
  LATENT_ON_DEVICE(d, crop2d_backward(dy, top, left, dx));
}
void copy_layout(const Tensor& src, Tensor& dst) {
  const Device d = device_of("copy_layout", {&src, &dst});
  expect(src.shape() == dst.shape(), "copy_layout", src.shape().str() + " to " + dst.shape().str());
  LATENT_ON_DEVICE(d, copy_layout(src, dst));
}

void copy_from_host(const float* src, Tensor& dst) {
  const Device d = device_of("copy_from_host", {&dst});
  expect(src != nullptr || dst.empty(), "copy_from_host", "no host memory to copy from");
  LATENT_ON_DEVICE(d, copy_from_host(src, dst));
  dst.note_written();
}
void copy_to_host(const Tensor& src, float* dst) {
  const Device d = device_of("copy_to_host", {&src});
  expect(dst != nullptr || src.empty(), "copy_to_host", "no host memory to copy to");
  LATENT_ON_DEVICE(d, copy_to_host(src, dst));
}

void add(const Tensor& a, const Tensor& b, Tensor& y) {
  const Device d = device_of("add", {&a, &b, &y});
  same_numel("add", a, y), same_numel("add", b, y);
  LATENT_ON_DEVICE(d, add(a, b, y));
}
void axpy(float alpha, const Tensor& x, Tensor& y) {
  const Device d = device_of("axpy", {&x, &y});
  same_numel("axpy", x, y);
  LATENT_ON_DEVICE(d, axpy(alpha, x, y));
  y.note_written();
}
void scale(Tensor& x, float alpha) {
  const Device d = device_of("scale", {&x});
  LATENT_ON_DEVICE(d, scale(x, alpha));
  x.note_written();
}
void mul(const Tensor& a, const Tensor& b, Tensor& y) {
  const Device d = device_of("mul", {&a, &b, &y});
  same_numel("mul", a, y), same_numel("mul", b, y);
  LATENT_ON_DEVICE(d, mul(a, b, y));
}
void fma(const Tensor& a, const Tensor& b, const Tensor& c, Tensor& y) {
  const Device d = device_of("fma", {&a, &b, &c, &y});
  same_numel("fma", a, y), same_numel("fma", b, y), same_numel("fma", c, y);
  LATENT_ON_DEVICE(d, fma(a, b, c, y));
}
void exp_half(const Tensor& logvar, Tensor& sigma) {
  const Device d = device_of("exp_half", {&logvar, &sigma});
  same_numel("exp_half", logvar, sigma);
  LATENT_ON_DEVICE(d, exp_half(logvar, sigma));
}
void copy_columns(const Tensor& src, int64_t src_col, Tensor& dst, int64_t dst_col, int64_t cols) {
  const Device d = device_of("copy_columns", {&src, &dst});
  expect(src.dim(0) == dst.dim(0) && src_col >= 0 && dst_col >= 0 &&
             src_col + cols <= src.shape().per_sample() &&
             dst_col + cols <= dst.shape().per_sample(),
         "copy_columns", src.shape().str() + " to " + dst.shape().str());
  LATENT_ON_DEVICE(d, copy_columns(src, src_col, dst, dst_col, cols));
}
Scalar sum(const Tensor& x) {
  const Device d = device_of("sum", {&x});
  return pending_total(d, [&](double* total) { LATENT_ON_DEVICE(d, sum(x, total)); });
}
Scalar sum_squares(const Tensor& x) {
  const Device d = device_of("sum_squares", {&x});
  return pending_total(d, [&](double* total) { LATENT_ON_DEVICE(d, sum_squares(x, total)); });
}
Scalar count_nonfinite(const Tensor& x) {
  const Device d = device_of("count_nonfinite", {&x});
  return pending_total(d, [&](double* total) { LATENT_ON_DEVICE(d, count_nonfinite(x, total)); });
}
bool all_finite(const Tensor& x) {
  return count_nonfinite(x).value() == 0.0;
}

Scalar bce_with_logits(const Tensor& logits, const Tensor& target, Tensor* grad, float grad_scale,
                       Tensor* per_sample) {
  const Device d = device_of("bce_with_logits", {&logits, &target, grad, per_sample});
  same_numel("bce_with_logits", logits, target);
  return pending_total(d, [&](double* total) {
    LATENT_ON_DEVICE(d, bce_with_logits(logits, target, grad, grad_scale, per_sample, total));
  });
}
Scalar mse(const Tensor& pred, const Tensor& target, Tensor* grad, float grad_scale,
           Tensor* per_sample) {
  const Device d = device_of("mse", {&pred, &target, grad, per_sample});
  same_numel("mse", pred, target);
  return pending_total(d, [&](double* total) {
    LATENT_ON_DEVICE(d, mse(pred, target, grad, grad_scale, per_sample, total));
  });
}
Scalar gaussian_kl(const Tensor& mu, const Tensor& logvar, Tensor* dmu, Tensor* dlogvar,
                   float grad_scale, Tensor* per_sample) {
  const Device d = device_of("gaussian_kl", {&mu, &logvar, dmu, dlogvar, per_sample});
  same_numel("gaussian_kl", mu, logvar);
  return pending_total(d, [&](double* total) {
    LATENT_ON_DEVICE(d, gaussian_kl(mu, logvar, dmu, dlogvar, grad_scale, per_sample, total));
  });
}
Scalar l1_penalty(const Tensor& a, float weight, Tensor* grad, float grad_scale) {
  const Device d = device_of("l1_penalty", {&a, grad});
  return pending_total(d, [&](double* total) {
    LATENT_ON_DEVICE(d, l1_penalty(a, weight, grad, grad_scale, total));
  });
}
Scalar bernoulli_kl_sparsity(const Tensor& a, float rho, float weight, Tensor* grad,
                             float grad_scale, const Tensor* batch_mean) {
  const Device d = device_of("bernoulli_kl_sparsity", {&a, grad, batch_mean});
  expect(rho > 0 && rho < 1, "bernoulli_kl_sparsity", "target rate must be in (0, 1)");
  return pending_total(d, [&](double* total) {
    LATENT_ON_DEVICE(d, bernoulli_kl_sparsity(a, rho, weight, grad, grad_scale, batch_mean, total));
  });
}

Scalar hinge_loss(const Tensor& logits, float sign, Tensor* grad, float grad_scale) {
  const Device d = device_of("hinge_loss", {&logits, grad});
  return pending_total(d, [&](double* total) {
    LATENT_ON_DEVICE(d, hinge_loss(logits, sign, grad, grad_scale, total));
  });
}
Scalar negated_sum_loss(const Tensor& logits, Tensor* grad, float grad_scale) {
  const Device d = device_of("negated_sum_loss", {&logits, grad});
  return pending_total(d, [&](double* total) {
    LATENT_ON_DEVICE(d, negated_sum_loss(logits, grad, grad_scale, total));
  });
}

void random_uniform(Tensor& t, RandomKey key, uint64_t first_index, float lo, float hi) {
  const Device d = device_of("random_uniform", {&t});
  LATENT_ON_DEVICE(d, random_uniform(t, key, first_index, lo, hi));
}
void random_normal(Tensor& t, RandomKey key, uint64_t first_index, float mean, float stddev) {
  const Device d = device_of("random_normal", {&t});
  LATENT_ON_DEVICE(d, random_normal(t, key, first_index, mean, stddev));
}
void dropout_mask(Tensor& mask, RandomKey key, uint64_t first_index, float p) {
  const Device d = device_of("dropout_mask", {&mask});
  expect(p >= 0 && p < 1, "dropout_mask", "probability " + std::to_string(p) + " not in [0, 1)");
  LATENT_ON_DEVICE(d, dropout_mask(mask, key, first_index, p));
}
void corrupt(Noise kind, float level, RandomKey key, const Tensor& x, Tensor& y,
             uint64_t first_index) {
  const Device d = device_of("corrupt", {&x, &y});
  same_numel("corrupt", x, y);
  same_layout("corrupt", {&x, &y});
  LATENT_ON_DEVICE(d, corrupt(kind, level, key, x, y, first_index));
}

void sgd_update(Tensor& params, const Tensor& grads, Tensor& velocity, float lr, float momentum,
                float weight_decay) {
  const Device d = device_of("sgd_update", {&params, &grads, &velocity});
  LATENT_ON_DEVICE(d, sgd_update(params, grads, velocity, lr, momentum, weight_decay));
}
void adam_update(Tensor& params, const Tensor& grads, Tensor& m, Tensor& v, float lr, float beta1,
                 float beta2, float eps, float weight_decay, int64_t t) {
  const Device d = device_of("adam_update", {&params, &grads, &m, &v});
  LATENT_ON_DEVICE(d, adam_update(params, grads, m, v, lr, beta1, beta2, eps, weight_decay, t));
}

}  // namespace latent::ops
