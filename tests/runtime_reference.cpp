// The reference ops (runtime/ref) are themselves right: small cases worked by hand, the identities
// that tie a convolution to its backward passes and to the transposed convolution, batch norm's
// invariants, and every loss gradient against central differences. The backends are compared
// with the reference in runtime_backend_vs_ref.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "grad_check.hpp"
#include "runtime/ref/ref_ops.hpp"

namespace latent {
namespace {

using testing::random_tensor;

Tensor from(const Shape& s, const std::vector<float>& values) {
  Tensor t(s);
  std::copy(values.begin(), values.end(), t.data());
  return t;
}

double dot(const Tensor& a, const Tensor& b) {
  double s = 0;
  for (int64_t i = 0; i < a.numel(); ++i) s += static_cast<double>(a.data()[i]) * b.data()[i];
  return s;
}

void expect_values(const Tensor& t, const std::vector<float>& want, const char* what) {
  ASSERT_EQ(t.numel(), static_cast<int64_t>(want.size())) << what;
  for (int64_t i = 0; i < t.numel(); ++i) EXPECT_FLOAT_EQ(t.data()[i], want[i]) << what << " " << i;
}

TEST(Reference, MatmulByHand) {
  // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154], plus bias [1 -1], plus c = 1.
  Tensor a = from(Shape{2, 3}, {1, 2, 3, 4, 5, 6}), b = from(Shape{3, 2}, {7, 8, 9, 10, 11, 12});
  Tensor a_t = from(Shape{3, 2}, {1, 4, 2, 5, 3, 6}),
         b_t = from(Shape{2, 3}, {7, 9, 11, 8, 10, 12});
  Tensor bias = from(Shape{2}, {1, -1}), c(Shape{2, 2});
  ref::matmul(a, false, b, false, c);
  expect_values(c, {58, 64, 139, 154}, "a·b");
  ref::matmul(a_t, true, b_t, true, c);
  expect_values(c, {58, 64, 139, 154}, "aᵀᵀ·bᵀᵀ");
  c.fill(1.0f);
  ref::matmul(a, false, b_t, true, c, true, &bias);
  expect_values(c, {60, 64, 141, 154}, "c + a·b + bias");
}

TEST(Reference, ConvolutionByHand) {
  // x = 1..9 as a 3×3 image, w = [1 0; 0 -1]: a cross-correlation (oneDNN's, no kernel flip),
  // so y[i,j] = x[i,j] - x[i+1,j+1] = -4 everywhere.
  Tensor x = from(Shape{1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  Tensor w = from(Shape{1, 1, 2, 2}, {1, 0, 0, -1});
  Tensor y(Shape{1, 1, 2, 2});
  ref::conv2d_forward(x, w, nullptr, y, {1, 0});
  expect_values(y, {-4, -4, -4, -4}, "stride 1");
  // Stride 2, pad 1: y[0,0] = -x[0,0], y[0,1] = -x[0,2], y[1,0] = -x[2,0], y[1,1] = x[1,1] -
  // x[2,2].
  ref::conv2d_forward(x, w, nullptr, y, {2, 1});
  expect_values(y, {-1, -3, -7, -4}, "stride 2 pad 1");
  // Transposed, stride 2: each input pixel stamps v·w at (2i, 2j); the 1×1 input gives w itself.
  Tensor one = from(Shape{1, 1, 1, 1}, {3}), stamp(Shape{1, 1, 2, 2});
  ref::deconv2d_forward(one, w, nullptr, stamp, {2, 0});
  expect_values(stamp, {3, 0, 0, -3}, "transposed");
}

// <conv(x), dy> = <x, backward_data(dy)> = <w, backward_weights(x, dy)>, for a convolution or a
// transposed one; the bias gradient is Σ dy per channel.
void expect_adjoint(bool transposed, const Shape& xs, const Shape& ws, ops::ConvGeometry g) {
  auto out = [&](int64_t in) {
    return transposed ? ops::deconv_out_size(in, ws[2], g) : ops::conv_out_size(in, ws[2], g);
  };
  const Shape ys{xs[0], ws[0], out(xs[2]), out(xs[3])};
  Tensor x = random_tensor(xs, 1), w = random_tensor(ws, 2), dy = random_tensor(ys, 3);
  Tensor y(ys), dx(xs), dw(ws), db(Shape{ws[0]});
  if (transposed) {
    ref::deconv2d_forward(x, w, nullptr, y, g);
    ref::deconv2d_backward_data(dy, w, dx, g);
    ref::deconv2d_backward_weights(x, dy, dw, &db, g);
  } else {
    ref::conv2d_forward(x, w, nullptr, y, g);
    ref::conv2d_backward_data(dy, w, dx, g);
    ref::conv2d_backward_weights(x, dy, dw, &db, g);
  }
  const double forward = dot(y, dy);
  EXPECT_NEAR(dot(x, dx), forward, 1e-4 * std::abs(forward)) << "backward data";
  EXPECT_NEAR(dot(w, dw), forward, 1e-4 * std::abs(forward)) << "backward weights";
  // The bias: y + b[o] in forward, Σ dy over channel o in backward.
  Tensor b = random_tensor(Shape{ws[0]}, 4), yb(ys);
  transposed ? ref::deconv2d_forward(x, w, &b, yb, g) : ref::conv2d_forward(x, w, &b, yb, g);
  const int64_t plane = ys[2] * ys[3];
  for (int64_t o = 0; o < ys[1]; ++o) {
    double sum_dy = 0;
    for (int64_t n = 0; n < ys[0]; ++n)
      for (int64_t i = (n * ys[1] + o) * plane; i < (n * ys[1] + o + 1) * plane; ++i) {
        sum_dy += dy.data()[i];
        ASSERT_NEAR(yb.data()[i] - y.data()[i], b.data()[o], 1e-5) << "bias, channel " << o;
      }
    EXPECT_NEAR(db.data()[o], sum_dy, 1e-4 * (1 + std::abs(sum_dy))) << "bias gradient " << o;
  }
}

TEST(Reference, ConvolutionBackwardPassesAreAdjoints) {
  expect_adjoint(false, Shape{2, 3, 9, 7}, Shape{4, 3, 3, 3}, {2, 1});
  expect_adjoint(false, Shape{1, 2, 6, 6}, Shape{3, 2, 4, 4}, {2, 1});
  expect_adjoint(true, Shape{2, 4, 4, 3}, Shape{3, 4, 4, 4}, {2, 1});
  expect_adjoint(true, Shape{1, 3, 5, 5}, Shape{2, 3, 3, 3}, {1, 1});
}

// A transposed convolution with weights [O,C,K,K] is the backward-data pass of the convolution
// whose weights are the same array with O and C swapped (oneDNN's layout: no flip, no other
// reordering).
TEST(Reference, TransposedConvolutionIsConvolutionBackwardData) {
  const int64_t o = 3, c = 5, k = 4;
  const ops::ConvGeometry g{2, 1};
  Tensor x = random_tensor(Shape{2, c, 4, 3}, 5), w = random_tensor(Shape{o, c, k, k}, 6);
  Tensor swapped(Shape{c, o, k, k});
  for (int64_t a = 0; a < o; ++a)
    for (int64_t b = 0; b < c; ++b)
      std::copy_n(w.data() + (a * c + b) * k * k, k * k, swapped.data() + (b * o + a) * k * k);
  Tensor y(Shape{2, o, 8, 6}), y_conv(Shape{2, o, 8, 6});
  ref::deconv2d_forward(x, w, nullptr, y, g);
  ref::conv2d_backward_data(x, swapped, y_conv, g);
  for (int64_t i = 0; i < y.numel(); ++i) ASSERT_FLOAT_EQ(y.data()[i], y_conv.data()[i]) << i;
}

// The same [N,C,H,W] numbers in either layout give the same numbers back.
TEST(Reference, LayoutChangesNothingButMemoryOrder) {
  const Shape xs{2, 3, 5, 4}, ys{2, 6, 3, 2};
  Tensor x = random_tensor(xs, 7), w = random_tensor(Shape{6, 3, 3, 3}, 8);
  Tensor x_last(xs), y(ys), y_last(ys), y_back(ys);
  x_last.set_channels_last(true), y_last.set_channels_last(true);
  ref::copy_layout(x, x_last);
  ref::conv2d_forward(x, w, nullptr, y, {2, 1});
  ref::conv2d_forward(x_last, w, nullptr, y_last, {2, 1});
  ref::copy_layout(y_last, y_back);
  for (int64_t i = 0; i < y.numel(); ++i) ASSERT_EQ(y.data()[i], y_back.data()[i]) << i;
  Tensor scale = random_tensor(Shape{6}, 9), shift = random_tensor(Shape{6}, 10);
  Tensor mean(Shape{6}), var(Shape{6}), mean_last(Shape{6}), var_last(Shape{6});
  Tensor z(ys), z_last(ys);
  z_last.set_channels_last(true);
  ref::batchnorm_forward_train(y, scale, shift, z, mean, var, 1e-5f);
  ref::batchnorm_forward_train(y_last, scale, shift, z_last, mean_last, var_last, 1e-5f);
  ref::copy_layout(z_last, y_back);
  for (int64_t i = 0; i < z.numel(); ++i) ASSERT_FLOAT_EQ(z.data()[i], y_back.data()[i]) << i;
}

// Batch norm with unit scale and no shift: each channel of y has mean 0 and variance
// var/(var+eps); dx has no component along 1 (and along x̂ only through eps); inference with the
// batch's own statistics gives the training output; the parameter gradients accumulate.
TEST(Reference, BatchNormInvariants) {
  const Shape s{5, 3, 4, 2};
  const int64_t c = s[1], plane = s[2] * s[3];
  const float eps = 1e-3f;
  Tensor x = random_tensor(s, 11), dy = random_tensor(s, 12);
  Tensor ones(Shape{c}), zeros(Shape{c}), y(s), y_infer(s), dx(s);
  ones.fill(1.0f);
  Tensor mean(Shape{c}), var(Shape{c}), dscale(Shape{c}), dshift(Shape{c});
  ref::batchnorm_forward_train(x, ones, zeros, y, mean, var, eps);
  ref::batchnorm_forward_infer(x, ones, zeros, mean, var, y_infer, eps);
  ref::batchnorm_backward(x, dy, ones, mean, var, dx, dscale, dshift, eps);
  for (int64_t ch = 0; ch < c; ++ch) {
    double sum_y = 0, sum_y2 = 0, sum_dx = 0, sum_dx_y = 0, sum_dy = 0, sum_dy_y = 0;
    for (int64_t n = 0; n < s[0]; ++n)
      for (int64_t i = (n * c + ch) * plane; i < (n * c + ch + 1) * plane; ++i) {
        sum_y += y.data()[i], sum_y2 += y.data()[i] * y.data()[i];
        sum_dx += dx.data()[i], sum_dx_y += dx.data()[i] * y.data()[i];
        sum_dy += dy.data()[i], sum_dy_y += dy.data()[i] * y.data()[i];
        ASSERT_FLOAT_EQ(y_infer.data()[i], y.data()[i]);
      }
    const double count = static_cast<double>(s[0] * plane);
    EXPECT_NEAR(sum_y / count, 0.0, 1e-6);
    EXPECT_NEAR(sum_y2 / count, var.data()[ch] / (var.data()[ch] + eps), 1e-5);
    EXPECT_NEAR(sum_dx, 0.0, 1e-4);
    // Σ dx·x̂ = rstd·Σ(dy·x̂)·(1 - mean x̂²) = rstd·Σ(dy·x̂)·eps/(var+eps): zero but for eps.
    const double v = var.data()[ch];
    EXPECT_NEAR(sum_dx_y, sum_dy_y * eps / (v + eps) / std::sqrt(v + eps), 1e-5);
    EXPECT_NEAR(dshift.data()[ch], sum_dy, 1e-4);
    EXPECT_NEAR(dscale.data()[ch], sum_dy_y, 1e-4);
  }
  std::vector<float> once(dscale.data(), dscale.data() + c);
  ref::batchnorm_backward(x, dy, ones, mean, var, dx, dscale, dshift, eps);
  for (int64_t ch = 0; ch < c; ++ch) EXPECT_FLOAT_EQ(dscale.data()[ch], 2 * once[ch]);
}

// Central differences of the reference losses against their analytic gradients.
void expect_gradient(const char* what, Tensor& input, const Tensor& grad,
                     const std::function<double()>& loss) {
  testing::GradCheckOptions o;
  o.step = 1e-3, o.rtol = 1e-2, o.atol = 1e-4;
  testing::expect_matches_numeric(what, input, testing::copy_of(grad), loss, o);
}

TEST(Reference, LossGradientsMatchDifferences) {
  const Shape s{4, 6};
  Tensor z = random_tensor(s, 13), target(s), grad(s), other(s);
  ref::random_uniform(target, {14, 1}, 0, 0.0f, 1.0f);
  ref::bce_with_logits(z, target, &grad, 1.0f);
  expect_gradient("bce", z, grad, [&] { return ref::bce_with_logits(z, target, nullptr, 1.0f); });
  ref::mse(z, target, &grad, 1.0f);
  expect_gradient("mse", z, grad, [&] { return ref::mse(z, target, nullptr, 1.0f); });
  Tensor logvar = random_tensor(s, 15);
  ref::gaussian_kl(z, logvar, &grad, &other, 1.0f);
  auto kl = [&] { return ref::gaussian_kl(z, logvar, nullptr, nullptr, 1.0f); };
  expect_gradient("kl dμ", z, grad, kl);
  expect_gradient("kl dlogvar", logvar, other, kl);
  Tensor labels = from(Shape{4}, {0, 5, 2, 2});
  ref::softmax_cross_entropy(z, labels, &grad, 1.0f);
  expect_gradient("softmax cross-entropy", z, grad,
                  [&] { return ref::softmax_cross_entropy(z, labels, nullptr, 1.0f); });
  Tensor rates(s);
  ref::random_uniform(rates, {16, 1}, 0, 0.2f, 0.8f);
  grad.zero();
  ref::bernoulli_kl_sparsity(rates, 0.1f, 0.5f, &grad, 1.0f / 4);
  expect_gradient("bernoulli kl", rates, grad,
                  [&] { return ref::bernoulli_kl_sparsity(rates, 0.1f, 0.5f, nullptr, 0.25f); });
  Tensor y(s), mean(Shape{6}), var(Shape{6}), scale = random_tensor(Shape{6}, 17), shift(Shape{6}),
                                              probe = random_tensor(s, 18);
  Tensor dscale(Shape{6}), dshift(Shape{6});
  ref::batchnorm_forward_train(z, scale, shift, y, mean, var, 1e-5f);
  ref::batchnorm_backward(z, probe, scale, mean, var, grad, dscale, dshift, 1e-5f);
  auto bn = [&] {
    ref::batchnorm_forward_train(z, scale, shift, y, mean, var, 1e-5f);
    double s = 0;
    for (int64_t i = 0; i < y.numel(); ++i) s += static_cast<double>(y.data()[i]) * probe.data()[i];
    return s;
  };
  expect_gradient("batch norm dx", z, grad, bn);
  expect_gradient("batch norm dscale", scale, dscale, bn);
}

}  // namespace
}  // namespace latent
