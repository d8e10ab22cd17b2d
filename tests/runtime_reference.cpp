// oneDNN results against plain reference loops on random inputs: matmul, convolution,
// transposed convolution (forward and both backwards), batch normalization.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
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

// Forward, backward-data and backward-weights (with bias) of a convolution, or of a transposed
// one, against the taps of `cc`; weight gradients must accumulate.
void expect_conv_matches_reference(const ConvCase& cc, bool transposed, uint64_t seed) {
  ops::ConvGeometry g{cc.stride, cc.pad};
  int64_t x_hw = transposed ? cc.small_hw : cc.big_hw, y_hw = transposed ? cc.big_hw : cc.small_hw;
  Tensor x = random_tensor(Shape{cc.n, cc.c, x_hw, x_hw}, seed);
  Tensor w = random_tensor(Shape{cc.o, cc.c, cc.k, cc.k}, seed + 1);
  Tensor b = random_tensor(Shape{cc.o}, seed + 2);
  Tensor dy = random_tensor(Shape{cc.n, cc.o, y_hw, y_hw}, seed + 3);
  Tensor y(dy.shape()), dx(x.shape()), dw(w.shape()), db(b.shape());
  std::vector<double> y_ref(y.numel()), dx_ref(x.numel()), dw_ref(w.numel()), db_ref(cc.o);
  for (int64_t i = 0; i < y.numel(); ++i) {
    int64_t channel = (i / (y_hw * y_hw)) % cc.o;
    y_ref[i] = b.data()[channel];
    db_ref[channel] += dy.data()[i];
  }
  cc.for_each_tap([&](int64_t n, int64_t o, int64_t c, int64_t sh, int64_t sw, int64_t bh,
                      int64_t bw, int64_t kh, int64_t kw) {
    // The input is the big side of a convolution and the small side of a transposed one.
    int64_t xi = transposed ? at(x.shape(), n, c, sh, sw) : at(x.shape(), n, c, bh, bw);
    int64_t yi = transposed ? at(y.shape(), n, o, bh, bw) : at(y.shape(), n, o, sh, sw);
    int64_t wi = at(w.shape(), o, c, kh, kw);
    y_ref[yi] += x.data()[xi] * w.data()[wi];
    dx_ref[xi] += dy.data()[yi] * w.data()[wi];
    dw_ref[wi] += dy.data()[yi] * x.data()[xi];
  });
  auto backward_weights = [&] {
    if (transposed)
      ops::deconv2d_backward_weights(x, dy, dw, &db, g);
    else
      ops::conv2d_backward_weights(x, dy, dw, &db, g);
  };
  if (transposed) {
    ops::deconv2d_forward(x, w, &b, y, g);
    ops::deconv2d_backward_data(dy, w, dx, g);
  } else {
    ops::conv2d_forward(x, w, &b, y, g);
    ops::conv2d_backward_data(dy, w, dx, g);
  }
  backward_weights();
  expect_close(y, y_ref, "forward");
  expect_close(dx, dx_ref, "backward data");
  expect_close(dw, dw_ref, "backward weights");
  expect_close(db, db_ref, "backward bias");
  backward_weights();
  for (auto& v : dw_ref) v *= 2;
  expect_close(dw, dw_ref, "backward weights accumulate");
}

TEST(Reference, Conv2dForwardAndBackward) {
  expect_conv_matches_reference({2, 3, 4, 4, 2, 1, 4, 8}, false, 1);   // [2,3,8,8] → [2,4,4,4]
  expect_conv_matches_reference({2, 2, 3, 3, 1, 1, 6, 6}, false, 11);  // same-size 3×3
}

TEST(Reference, ConvTranspose2dForwardAndBackward) {
  expect_conv_matches_reference({2, 4, 3, 4, 2, 1, 4, 8}, true, 5);   // [2,4,4,4] → [2,3,8,8]
  expect_conv_matches_reference({2, 3, 2, 3, 1, 1, 5, 5}, true, 15);  // same-size 3×3
}

// One channel on the image side (a DCGAN's first and last layers): the transposed forward and
// the backward-data run as a batched matmul plus a scatter (runtime/cpu/one_channel_image).
TEST(Reference, OneChannelImageEdges) {
  expect_conv_matches_reference({3, 1, 16, 4, 2, 1, 7, 14}, false, 21);  // Conv 1→16
  expect_conv_matches_reference({3, 16, 1, 4, 2, 1, 7, 14}, true, 25);   // ConvT 16→1
  expect_conv_matches_reference({2, 9, 1, 3, 1, 1, 5, 5}, true, 35);     // ConvT 9→1, 3×3
  expect_conv_matches_reference({2, 1, 8, 5, 2, 2, 4, 8}, false, 45);    // Conv 1→8, 5×5
}

// Against the definition, in each layout the primitives may run in (runtime/cpu/batchnorm.cpp):
// plain nchw, channel-blocked (C a multiple of 16), and [N,C] as nhwc.
void expect_batchnorm_matches_reference(const Shape& shape, uint64_t seed) {
  const int64_t n = shape[0], c = shape[1], hw = shape.per_sample() / c;
  Tensor x = random_tensor(shape, seed);
  Tensor scale = random_tensor(Shape{c}, seed + 1), shift = random_tensor(Shape{c}, seed + 2);
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
  const std::string what = shape.str();
  expect_close(mean, mean_ref, ("bn mean " + what).c_str());
  expect_close(var, var_ref, ("bn variance " + what).c_str());
  expect_close(y, y_ref, ("bn train forward " + what).c_str());
  // Inference with the batch's own statistics gives the same output.
  Tensor y_infer(x.shape());
  ops::batchnorm_forward_infer(x, scale, shift, mean, var, y_infer, 1e-5f);
  expect_close(y_infer, y_ref, ("bn inference forward " + what).c_str());
}

TEST(Reference, BatchNormTrainingAndInference) {
  expect_batchnorm_matches_reference(Shape{5, 3, 2, 2}, 9);
  expect_batchnorm_matches_reference(Shape{5, 32, 3, 3}, 19);
  expect_batchnorm_matches_reference(Shape{6, 40}, 29);
}

}  // namespace
}  // namespace latent
