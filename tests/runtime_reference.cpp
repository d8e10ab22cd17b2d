// oneDNN results against plain reference loops on random inputs: matmul, convolution,
// transposed convolution (forward and both backwards), batch normalization.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "grad_check.hpp"
#include "runtime/ops.hpp"

namespace latent {
namespace {

using testing::random_tensor;

void expect_close(const Tensor& got, const std::vector<double>& want, const char* what) {
  ASSERT_EQ(got.numel(), static_cast<int64_t>(want.size())) << what;
  double scale = 1e-6;
  for (double w : want) scale = std::max(scale, std::abs(w));
  for (int64_t i = 0; i < got.numel(); ++i)
    ASSERT_NEAR(got.data()[i], want[i], 1e-4 * scale) << what << " element " << i;
}

TEST(Reference, MatmulAllTransposes) {
  const int64_t m = 5, n = 7, k = 9;
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      Tensor a = random_tensor(ta ? Shape{k, m} : Shape{m, k}, 1);
      Tensor b = random_tensor(tb ? Shape{n, k} : Shape{k, n}, 2);
      Tensor bias = random_tensor(Shape{n}, 3);
      Tensor c = random_tensor(Shape{m, n}, 4);
      std::vector<double> want(m * n);
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double s = c.data()[i * n + j] + bias.data()[j];  // accumulate into c, plus bias
          for (int64_t q = 0; q < k; ++q)
            s += static_cast<double>(ta ? a.data()[q * m + i] : a.data()[i * k + q]) *
                 (tb ? b.data()[j * k + q] : b.data()[q * n + j]);
          want[i * n + j] = s;
        }
      ops::matmul(a, ta, b, tb, c, true, &bias);
      expect_close(c, want,
                   ta ? (tb ? "matmul tt" : "matmul tn") : (tb ? "matmul nt" : "matmul nn"));
    }
}

// One tap of a (transposed) convolution: the small-side position s and kernel offset k map
// to the big-side position s·stride - pad + k. For a convolution the big side is the input,
// for a transposed convolution the output.
struct ConvCase {
  int64_t n, c, o, k, stride, pad, small_hw, big_hw;
  template <class F>
  void for_each_tap(F f) const {  // f(n, o, c, small_h, small_w, big_h, big_w, kh, kw)
    for (int64_t b = 0; b < n; ++b)
      for (int64_t oc = 0; oc < o; ++oc)
        for (int64_t ic = 0; ic < c; ++ic)
          for (int64_t sh = 0; sh < small_hw; ++sh)
            for (int64_t sw = 0; sw < small_hw; ++sw)
              for (int64_t kh = 0; kh < k; ++kh)
                for (int64_t kw = 0; kw < k; ++kw) {
                  int64_t bh = sh * stride - pad + kh, bw = sw * stride - pad + kw;
                  if (bh >= 0 && bh < big_hw && bw >= 0 && bw < big_hw)
                    f(b, oc, ic, sh, sw, bh, bw, kh, kw);
                }
  }
};

int64_t at(const Shape& s, int64_t a, int64_t b, int64_t c, int64_t d) {
  return ((a * s[1] + b) * s[2] + c) * s[3] + d;
}

TEST(Reference, Conv2dForwardAndBackward) {
  ConvCase cc{2, 3, 4, 4, 2, 1, 4, 8};  // x [2,3,8,8] → y [2,4,4,4]
  ops::ConvGeometry g{cc.stride, cc.pad};
  Tensor x = random_tensor(Shape{2, 3, 8, 8}, 1), w = random_tensor(Shape{4, 3, 4, 4}, 2);
  Tensor b = random_tensor(Shape{4}, 3), dy = random_tensor(Shape{2, 4, 4, 4}, 4);
  Tensor y(dy.shape()), dx(x.shape()), dw(w.shape()), db(b.shape());
  std::vector<double> y_ref(y.numel()), dx_ref(x.numel()), dw_ref(w.numel()), db_ref(4);
  for (int64_t i = 0; i < y.numel(); ++i) {
    y_ref[i] = b.data()[(i / 16) % 4];
    db_ref[(i / 16) % 4] += dy.data()[i];
  }
  cc.for_each_tap([&](int64_t n, int64_t o, int64_t c, int64_t sh, int64_t sw, int64_t bh,
                      int64_t bw, int64_t kh, int64_t kw) {
    int64_t yi = at(y.shape(), n, o, sh, sw), xi = at(x.shape(), n, c, bh, bw);
    int64_t wi = at(w.shape(), o, c, kh, kw);
    y_ref[yi] += x.data()[xi] * w.data()[wi];
    dx_ref[xi] += dy.data()[yi] * w.data()[wi];
    dw_ref[wi] += dy.data()[yi] * x.data()[xi];
  });
  ops::conv2d_forward(x, w, &b, y, g);
  ops::conv2d_backward_data(dy, w, dx, g);
  ops::conv2d_backward_weights(x, dy, dw, &db, g);
  expect_close(y, y_ref, "conv forward");
  expect_close(dx, dx_ref, "conv backward data");
  expect_close(dw, dw_ref, "conv backward weights");
  expect_close(db, db_ref, "conv backward bias");
  // Weight gradients accumulate.
  ops::conv2d_backward_weights(x, dy, dw, &db, g);
  for (auto& v : dw_ref) v *= 2;
  expect_close(dw, dw_ref, "conv backward weights accumulates");
}

TEST(Reference, ConvTranspose2dForwardAndBackward) {
  ConvCase cc{2, 4, 3, 4, 2, 1, 4, 8};  // x [2,4,4,4] → y [2,3,8,8], w [3,4,4,4]
  ops::ConvGeometry g{cc.stride, cc.pad};
  Tensor x = random_tensor(Shape{2, 4, 4, 4}, 5), w = random_tensor(Shape{3, 4, 4, 4}, 6);
  Tensor b = random_tensor(Shape{3}, 7), dy = random_tensor(Shape{2, 3, 8, 8}, 8);
  Tensor y(dy.shape()), dx(x.shape()), dw(w.shape()), db(b.shape());
  std::vector<double> y_ref(y.numel()), dx_ref(x.numel()), dw_ref(w.numel()), db_ref(3);
  for (int64_t i = 0; i < y.numel(); ++i) {
    y_ref[i] = b.data()[(i / 64) % 3];
    db_ref[(i / 64) % 3] += dy.data()[i];
  }
  cc.for_each_tap([&](int64_t n, int64_t o, int64_t c, int64_t sh, int64_t sw, int64_t bh,
                      int64_t bw, int64_t kh, int64_t kw) {
    int64_t xi = at(x.shape(), n, c, sh, sw), yi = at(y.shape(), n, o, bh, bw);
    int64_t wi = at(w.shape(), o, c, kh, kw);
    y_ref[yi] += x.data()[xi] * w.data()[wi];
    dx_ref[xi] += dy.data()[yi] * w.data()[wi];
    dw_ref[wi] += dy.data()[yi] * x.data()[xi];
  });
  ops::deconv2d_forward(x, w, &b, y, g);
  ops::deconv2d_backward_data(dy, w, dx, g);
  ops::deconv2d_backward_weights(x, dy, dw, &db, g);
  expect_close(y, y_ref, "deconv forward");
  expect_close(dx, dx_ref, "deconv backward data");
  expect_close(dw, dw_ref, "deconv backward weights");
  expect_close(db, db_ref, "deconv backward bias");
}

TEST(Reference, BatchNormTrainingAndInference) {
  const int64_t n = 5, c = 3, hw = 4;
  Tensor x = random_tensor(Shape{n, c, 2, 2}, 9);
  Tensor scale = random_tensor(Shape{c}, 10), shift = random_tensor(Shape{c}, 11);
  Tensor y(x.shape()), mean(Shape{c}), var(Shape{c});
  ops::batchnorm_forward_train(x, scale, shift, y, mean, var, 1e-5f);
  std::vector<double> y_ref(x.numel()), mean_ref(c), var_ref(c);
  for (int64_t ch = 0; ch < c; ++ch) {
    double s = 0, ss = 0;
    for (int64_t b = 0; b < n; ++b)
      for (int64_t i = 0; i < hw; ++i) s += x.data()[(b * c + ch) * hw + i];
    mean_ref[ch] = s / (n * hw);
    for (int64_t b = 0; b < n; ++b)
      for (int64_t i = 0; i < hw; ++i)
        ss += std::pow(x.data()[(b * c + ch) * hw + i] - mean_ref[ch], 2);
    var_ref[ch] = ss / (n * hw);
    for (int64_t b = 0; b < n; ++b)
      for (int64_t i = 0; i < hw; ++i) {
        int64_t j = (b * c + ch) * hw + i;
        y_ref[j] = scale.data()[ch] * (x.data()[j] - mean_ref[ch]) / std::sqrt(var_ref[ch] + 1e-5) +
                   shift.data()[ch];
      }
  }
  expect_close(mean, mean_ref, "bn mean");
  expect_close(var, var_ref, "bn variance");
  expect_close(y, y_ref, "bn train forward");
  // Inference with the batch's own statistics gives the same output.
  Tensor y_infer(x.shape());
  ops::batchnorm_forward_infer(x, scale, shift, mean, var, y_infer, 1e-5f);
  expect_close(y_infer, y_ref, "bn inference forward");
}

}  // namespace
}  // namespace latent
