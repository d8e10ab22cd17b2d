// Every backend op against its plain reference (runtime/ref): random inputs, several shapes (odd
// sizes, strided and padded convolutions), both layouts where an op knows channels, gradients
// accumulated and overwritten, optional outputs given and not.
//
// The device under test is the suite's parameter. A case makes its tensors on the host; the
// backend runs the op through ops:: on copies of them on that device, the reference through ref::
// on host copies; then every tensor (outputs, and inputs that must be left alone) and the value
// the op returns are compared. A GPU backend adds its device to the instantiation at the bottom
// and its copies to copy_to; the cases stay as they are.
#include "backend_vs_ref.hpp"
#include "runtime/ops_optim.hpp"

namespace latent {
namespace {

using namespace latent::testing;

// ---- matrix multiply ------------------------------------------------------------------------

TEST_P(BackendVsRef, Matmul) {
  struct Size {
    int64_t m, n, k;
  };
  for (Size s : {Size{5, 7, 9}, Size{1, 1, 1}, Size{13, 3, 17}, Size{33, 65, 31}})
    for (bool ta : {false, true})
      for (bool tb : {false, true})
        for (bool accumulate : {false, true})
          for (bool bias : {false, true})
            expect_same(describe("matmul", s.m, s.n, s.k, ta, tb, accumulate, bias),
                        tensors(random(ta ? Shape{s.k, s.m} : Shape{s.m, s.k}),
                                random(tb ? Shape{s.n, s.k} : Shape{s.k, s.n}),
                                random(Shape{s.m, s.n}), random(Shape{s.n})),
                        BACKEND_AND_REF(
                            matmul(t[0], ta, t[1], tb, t[2], accumulate, bias ? &t[3] : nullptr)));
}

TEST_P(BackendVsRef, SumRows) {
  for (const Shape& s : {Shape{7, 13}, Shape{1, 5}, Shape{4, 3, 5, 5}, Shape{300, 2}})
    for (bool accumulate : {false, true})
      expect_same(describe("sum_rows", s.str(), accumulate),
                  tensors(random(s), random(Shape{s.per_sample()})),
                  BACKEND_AND_REF(sum_rows(t[0], t[1], accumulate)));
}

// ---- convolution and transposed convolution -------------------------------------------------

class ConvVsRef : public BackendVsRef {
 protected:
  // Forward (with and without bias), backward-data and backward-weights (with and without the
  // bias gradient; both accumulate into what is there) in every pairing of layouts.
  void check_all(const std::vector<ConvCase>& cases, bool transposed) {
    for (const ConvCase& cc : cases)
      for (bool x_last : {false, true})
        for (bool y_last : {false, true})
          for (bool bias : {false, true}) check_one(cc, transposed, x_last, y_last, bias);
  }

 private:
  void check_one(const ConvCase& cc, bool transposed, bool x_last, bool y_last, bool bias) {
    const ops::ConvGeometry g{cc.stride, cc.pad};
    const std::string what = cc.str(transposed, x_last, y_last) + describe(" bias", bias);
    auto list = [&] { return conv_tensors(cc, transposed, x_last, y_last); };
    if (transposed) {
      expect_same(what + " forward", list(),
                  BACKEND_AND_REF(deconv2d_forward(t[0], t[1], bias ? &t[2] : nullptr, t[3], g)));
      expect_same(what + " backward data", list(),
                  BACKEND_AND_REF(deconv2d_backward_data(t[3], t[1], t[4], g)));
      expect_same(
          what + " backward weights", list(),
          BACKEND_AND_REF(deconv2d_backward_weights(t[0], t[3], t[5], bias ? &t[6] : nullptr, g)));
    } else {
      expect_same(what + " forward", list(),
                  BACKEND_AND_REF(conv2d_forward(t[0], t[1], bias ? &t[2] : nullptr, t[3], g)));
      expect_same(what + " backward data", list(),
                  BACKEND_AND_REF(conv2d_backward_data(t[3], t[1], t[4], g)));
      expect_same(
          what + " backward weights", list(),
          BACKEND_AND_REF(conv2d_backward_weights(t[0], t[3], t[5], bias ? &t[6] : nullptr, g)));
    }
  }
};

TEST_P(ConvVsRef, Convolution) {
  check_all({{2, 3, 4, 4, 2, 1, 8, 8},     // [2,3,8,8] → [2,4,4,4]
             {2, 2, 3, 3, 1, 1, 6, 6},     // same-size 3×3
             {3, 1, 16, 4, 2, 1, 14, 14},  // one-channel edge: matmuls (y channels-last: all three)
             {2, 1, 8, 5, 2, 2, 8, 8},     // 1→8, 5×5 (the fewest channels the matmuls take)
             {1, 5, 3, 3, 2, 0, 7, 9},     // odd, not square, unpadded
             {2, 4, 5, 1, 1, 0, 5, 3},     // 1×1
             {2, 3, 2, 3, 3, 1, 10, 7},    // stride 3
             {2, 16, 32, 4, 2, 1, 8, 8}},  // channels the primitives block by 16
            false);
}

TEST_P(ConvVsRef, TransposedConvolution) {
  check_all({{2, 4, 3, 4, 2, 1, 4, 4},     // [2,4,4,4] → [2,3,8,8]
             {2, 3, 2, 3, 1, 1, 5, 5},     // same-size 3×3
             {3, 16, 1, 4, 2, 1, 7, 7},    // one-channel image edge (forward as a matmul + scatter)
             {2, 9, 1, 3, 1, 1, 5, 5},     // the same, 3×3
             {2, 8, 1, 4, 2, 1, 3, 3},     // the same at its smallest channel count
             {1, 3, 5, 3, 2, 1, 3, 5},     // odd, not square
             {2, 5, 4, 2, 2, 0, 3, 4},     // 2×2 kernel, unpadded
             {2, 32, 16, 4, 2, 1, 4, 4}},  // channels the primitives block by 16
            true);
}

// ---- batch normalization --------------------------------------------------------------------

// Plain nchw, channel-blocked (C a multiple of 16), [N,C] (run as nhwc), odd sizes; channels-last.
std::vector<std::pair<Shape, bool>> batchnorm_shapes() {
  std::vector<std::pair<Shape, bool>> out;
  for (const Shape& s :
       {Shape{5, 3, 2, 2}, Shape{5, 32, 3, 3}, Shape{3, 7, 5, 3}, Shape{2, 16, 1, 1}})
    for (bool last : {false, true}) out.emplace_back(s, last);
  out.emplace_back(Shape{6, 40}, false);
  out.emplace_back(Shape{1, 5}, false);
  return out;
}

TEST_P(BackendVsRef, BatchNorm) {
  const float eps = 1e-5f;
  for (const auto& entry : batchnorm_shapes()) {
    const Shape s = entry.first;
    const bool last = entry.second;
    const Shape c{s[1]};
    const std::string what = describe("batchnorm", s.str(), "channels-last", last);
    // x, scale, shift, y, mean, var (positive), dy, dx, dscale, dshift
    auto list = [&] {
      Tensor var = uniform(c, 0.3f, 2.0f);
      return tensors(random(s, last), random(c), random(c), random(s, last), random(c),
                     std::move(var), random(s, last), random(s, last), random(c), random(c));
    };
    expect_same(what + " train", list(),
                BACKEND_AND_REF(batchnorm_forward_train(t[0], t[1], t[2], t[3], t[4], t[5], eps)));
    expect_same(what + " infer", list(),
                BACKEND_AND_REF(batchnorm_forward_infer(t[0], t[1], t[2], t[4], t[5], t[3], eps)));
    // Backward takes the statistics forward saved for the same x (cuDNN's assumes them): the
    // reference forward's mean and variance, not unrelated ones.
    auto with_forward_statistics = [&] {
      Tensors t = list();
      ref::batchnorm_forward_train(t[0], t[1], t[2], t[3], t[4], t[5], eps);
      return t;
    };
    expect_same(
        what + " backward", with_forward_statistics(),
        BACKEND_AND_REF(batchnorm_backward(t[0], t[6], t[1], t[4], t[5], t[7], t[8], t[9], eps)));
    expect_same(what + " channel sums", list(), BACKEND_AND_REF(channel_sums(t[0], nullptr, t[8])));
    expect_same(what + " channel sums of squares", list(),
                BACKEND_AND_REF(channel_sums(t[0], &t[4], t[8])));
    const double count = static_cast<double>(s.numel() / s[1]);
    expect_same(what + " backward data from sums", list(),
                BACKEND_AND_REF(batchnorm_backward_data_from_sums(t[0], t[6], t[1], t[4], t[5],
                                                                  t[8], t[9], count, t[7], eps)));
    expect_same(what + " mean from sums", list(),
                BACKEND_AND_REF(mean_from_sums(t[8], count, t[4])), Match::kExact);
  }
}

// ---- activations, moves, small kernels ------------------------------------------------------

TEST_P(BackendVsRef, Activations) {
  using A = ops::Activation;
  for (A f : {A::kLinear, A::kRelu, A::kLeakyRelu, A::kSigmoid, A::kTanh})
    for (const Shape& s : {Shape{7, 13}, Shape{2, 3, 5, 5}, Shape{1, 1}})
      for (bool last : {false, true}) {
        const std::string what = describe("activation", static_cast<int>(f), s.str(), last);
        // x (spread so sigmoid and tanh saturate somewhere), dy, y or dx
        auto list = [&] {
          Tensor x = random(s, last);
          ref::scale(x, 3.0f);
          return tensors(std::move(x), random(s, last), random(s, last));
        };
        expect_same(what + " forward", list(),
                    BACKEND_AND_REF(eltwise_forward(f, 0.2f, t[0], t[2])));
        // A saturated sigmoid or tanh has f' = 1 - f² computed in float: its error is relative
        // to dy, not to the tiny product f'·dy.
        Tensors backward = list();
        const double dy_scale = max_abs(backward[1]);
        expect_same(what + " backward", backward,
                    BACKEND_AND_REF(eltwise_backward(f, 0.2f, t[0], t[1], t[2])), Match::kClose,
                    dy_scale);
      }
}

TEST_P(BackendVsRef, MovesAreExact) {
  for (const Shape& s : {Shape{7, 13}, Shape{3, 5, 4, 3}, Shape{1, 1}}) {
    const std::string what = s.str();
    expect_same("fill " + what, tensors(random(s)), BACKEND_AND_REF(fill(t[0], 0.37f)),
                Match::kExact);
    expect_same("copy " + what, tensors(random(s), random(Shape{s.numel()})),
                BACKEND_AND_REF(copy(t[0], t[1])), Match::kExact);
  }
  for (const Shape& s : {Shape{3, 5, 4, 3}, Shape{2, 16, 3, 1}, Shape{2, 1, 3, 3}})
    for (bool from_last : {false, true})
      for (bool to_last : {false, true})
        expect_same(describe("copy_layout", s.str(), from_last, to_last),
                    tensors(random(s, from_last), random(s, to_last)),
                    BACKEND_AND_REF(copy_layout(t[0], t[1])), Match::kExact);
  expect_same("crop2d", tensors(random(Shape{2, 3, 8, 9}), random(Shape{2, 3, 5, 7})),
              BACKEND_AND_REF(crop2d(t[0], 2, 1, t[1])), Match::kExact);
  expect_same("crop2d_backward", tensors(random(Shape{2, 3, 5, 7}), random(Shape{2, 3, 8, 9})),
              BACKEND_AND_REF(crop2d_backward(t[0], 1, 2, t[1])), Match::kExact);
  expect_same("copy_columns", tensors(random(Shape{5, 9}), random(Shape{5, 7})),
              BACKEND_AND_REF(copy_columns(t[0], 2, t[1], 3, 4)), Match::kExact);
  expect_same("copy_columns, all", tensors(random(Shape{3, 4}), random(Shape{3, 4})),
              BACKEND_AND_REF(copy_columns(t[0], 0, t[1], 0, 4)), Match::kExact);
  // Out to host memory and back in: the host copies match, and the second tensor the first.
  for (const Shape& s : {Shape{7, 13}, Shape{1, 1}}) {
    std::vector<float> got(s.numel()), want(s.numel());
    auto round_trip = [&](std::vector<float>& host, auto to_host, auto from_host) {
      return [&host, to_host, from_host](Tensors& t) {
        to_host(t[0], host.data());
        from_host(host.data(), t[1]);
        return 0.0;
      };
    };
    expect_same("copy_to_host, copy_from_host " + s.str(), tensors(random(s), random(s)),
                round_trip(got, ops::copy_to_host, ops::copy_from_host),
                round_trip(want, ref::copy_to_host, ref::copy_from_host), Match::kExact);
    EXPECT_EQ(got, want) << "copy_to_host " << s.str();
  }
}

TEST_P(BackendVsRef, SmallKernels) {
  for (const Shape& s : {Shape{7, 13}, Shape{3, 5, 4, 3}, Shape{1, 1}})
    for (bool last : {false, true}) {
      const std::string what = describe(s.str(), last);
      // a, b, c, y
      auto list = [&] {
        return tensors(random(s, last), random(s, last), random(s, last), random(s, last));
      };
      expect_same("add " + what, list(), BACKEND_AND_REF(add(t[0], t[1], t[3])));
      expect_same("axpy " + what, list(), BACKEND_AND_REF(axpy(0.3f, t[0], t[3])));
      expect_same("scale " + what, list(), BACKEND_AND_REF(scale(t[0], -1.7f)));
      expect_same("mul " + what, list(), BACKEND_AND_REF(mul(t[0], t[1], t[3])));
      expect_same("fma " + what, list(), BACKEND_AND_REF(fma(t[0], t[1], t[2], t[3])));
      expect_same("exp_half " + what, list(), BACKEND_AND_REF(exp_half(t[0], t[3])));
      expect_same("sum " + what, list(), BACKEND_AND_REF(sum(t[0])));
      expect_same("sum_squares " + what, list(), BACKEND_AND_REF(sum_squares(t[0])));
      expect_same("all_finite " + what, list(), BACKEND_AND_REF(all_finite(t[0])), Match::kExact);
    }
  for (float odd : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                    -std::numeric_limits<float>::infinity()}) {
    Tensor x = random(Shape{4, 9});
    x.data()[22] = odd;
    expect_same(describe("all_finite with", odd), tensors(std::move(x)),
                BACKEND_AND_REF(all_finite(t[0])), Match::kExact);
  }
}

// ---- losses ---------------------------------------------------------------------------------

const Shape kLossShapes[] = {Shape{7, 13}, Shape{4, 3, 5, 5}, Shape{1, 1}};

TEST_P(BackendVsRef, ReconstructionLosses) {
  for (const Shape& s : kLossShapes)
    for (bool grad : {false, true})
      for (bool per_sample : {false, true}) {
        const std::string what = describe(s.str(), "grad", grad, "per sample", per_sample);
        const float k = 1.0f / static_cast<float>(s[0]);
        // input (logits, prediction), target in [0, 1), grad, per sample
        auto list = [&] {
          Tensor z = random(s);
          ref::scale(z, 4.0f);
          return tensors(std::move(z), uniform(s, 0.0f, 1.0f), random(s), random(Shape{s[0]}));
        };
        expect_same("bce_with_logits " + what, list(),
                    BACKEND_AND_REF(bce_with_logits(t[0], t[1], grad ? &t[2] : nullptr, k,
                                                    per_sample ? &t[3] : nullptr)));
        expect_same("mse " + what, list(),
                    BACKEND_AND_REF(
                        mse(t[0], t[1], grad ? &t[2] : nullptr, k, per_sample ? &t[3] : nullptr)));
      }
}

TEST_P(BackendVsRef, GaussianKl) {
  for (const Shape& s : kLossShapes)
    for (bool dmu : {false, true})
      for (bool dlogvar : {false, true})
        for (bool per_sample : {false, true})
          expect_same(describe("gaussian_kl", s.str(), dmu, dlogvar, per_sample),
                      tensors(random(s), random(s), random(s), random(s), random(Shape{s[0]})),
                      BACKEND_AND_REF(gaussian_kl(t[0], t[1], dmu ? &t[2] : nullptr,
                                                  dlogvar ? &t[3] : nullptr, 0.25f,
                                                  per_sample ? &t[4] : nullptr)));
}

TEST_P(BackendVsRef, Penalties) {
  for (const Shape& s : kLossShapes) {
    const float k = 1.0f / static_cast<float>(s[0]);
    const Shape cols{s.per_sample()};
    for (bool grad : {false, true}) {
      const std::string what = describe(s.str(), "grad", grad);
      // a in (0, 1), accumulating grad, a global batch mean in (0, 1)
      auto list = [&] {
        return tensors(uniform(s, 0.02f, 0.98f), random(s), uniform(cols, 0.1f, 0.9f));
      };
      expect_same("l1_penalty " + what, tensors(random(s), random(s)),
                  BACKEND_AND_REF(l1_penalty(t[0], 0.3f, grad ? &t[1] : nullptr, k)));
      for (bool global_mean : {false, true})
        expect_same(describe("bernoulli_kl_sparsity", what, "global mean", global_mean), list(),
                    BACKEND_AND_REF(bernoulli_kl_sparsity(t[0], 0.05f, 0.5f, grad ? &t[1] : nullptr,
                                                          k, global_mean ? &t[2] : nullptr)));
      for (float sign : {1.0f, -1.0f})
        expect_same(describe("hinge_loss", what, "sign", sign), tensors(random(s), random(s)),
                    BACKEND_AND_REF(hinge_loss(t[0], sign, grad ? &t[1] : nullptr, k)));
      expect_same("negated_sum_loss " + what, tensors(random(s), random(s)),
                  BACKEND_AND_REF(negated_sum_loss(t[0], grad ? &t[1] : nullptr, k)));
    }
  }
}

// ---- classification and likelihood bounds ---------------------------------------------------

// Class labels in 0..classes-1, as floats.
Tensor labels_for(int64_t rows, int64_t classes, uint32_t seed) {
  Tensor y(Shape{rows});
  ref::random_uniform(y, {seed, 9}, 0, 0.0f, static_cast<float>(classes));
  for (int64_t n = 0; n < rows; ++n) y.data()[n] = std::floor(y.data()[n]);
  return y;
}

TEST_P(BackendVsRef, SoftmaxCrossEntropy) {
  for (const Shape& s : {Shape{7, 10}, Shape{4, 3}, Shape{3, 1}, Shape{2, 2, 3, 3}})
    for (bool grad : {false, true})
      for (bool per_sample : {false, true}) {
        Tensor logits = random(s);
        ref::scale(logits, 20.0f);  // far beyond e^88: the row maximum must be taken out
        expect_same(describe("softmax_cross_entropy", s.str(), grad, per_sample),
                    tensors(std::move(logits), labels_for(s[0], s.per_sample(), 3), random(s),
                            random(Shape{s[0]})),
                    BACKEND_AND_REF(softmax_cross_entropy(t[0], t[1], grad ? &t[2] : nullptr, 0.5f,
                                                          per_sample ? &t[3] : nullptr)));
      }
}

TEST_P(BackendVsRef, RowsAndCounts) {
  for (const Shape& s : {Shape{7, 10}, Shape{4, 1}, Shape{2, 3, 2, 2}}) {
    Tensor x = random(s);
    const int64_t cols = s.per_sample();
    if (cols > 3) {  // ties: row 0's maximum again later, row 1's again earlier
      float* r0 = x.data();
      std::fill(r0 + 1, r0 + 3, *std::max_element(r0, r0 + cols) + 1.0f);
      float* r1 = x.data() + cols;
      std::fill(r1 + cols - 2, r1 + cols, *std::max_element(r1, r1 + cols) + 1.0f);
    }
    expect_same("argmax_rows " + s.str(), tensors(std::move(x), random(Shape{s[0]})),
                BACKEND_AND_REF(argmax_rows(t[0], t[1])), Match::kExact);
    Tensor big = random(s);
    ref::scale(big, 50.0f);
    expect_same("logsumexp_rows " + s.str(), tensors(std::move(big), random(Shape{s[0]})),
                BACKEND_AND_REF(logsumexp_rows(t[0], t[1])));
    expect_same("gaussian_log_ratio " + s.str(),
                tensors(random(s), random(s), random(s), random(Shape{s[0]})),
                BACKEND_AND_REF(gaussian_log_ratio(t[0], t[1], t[2], t[3])));
    Tensor a = labels_for(s.numel(), 4, 7), b = labels_for(s.numel(), 4, 8);
    expect_same("count_equal " + s.str(), tensors(std::move(a), std::move(b)),
                BACKEND_AND_REF(count_equal(t[0], t[1])), Match::kExact);
  }
}

// A discriminator's verdicts, with logits at exactly 0 (on neither side) and far out.
TEST_P(BackendVsRef, DiscriminatorVerdicts) {
  for (const Shape& s : {Shape{9, 1}, Shape{1, 1}, Shape{64, 1}}) {
    auto logits = [&] {
      Tensor z = random(s);
      ref::scale(z, 5.0f);
      z.data()[0] = 0.0f;
      if (s[0] > 2) z.data()[2] = -0.0f, z.data()[1] = 100.0f;
      return tensors(std::move(z));
    };
    expect_same("sum_sigmoid " + s.str(), logits(), BACKEND_AND_REF(sum_sigmoid(t[0])));
    for (bool positive : {true, false})
      expect_same(describe("count_sign", s.str(), positive), logits(),
                  BACKEND_AND_REF(count_sign(t[0], positive)), Match::kExact);
  }
}

// ---- random numbers: bit for bit ------------------------------------------------------------

TEST_P(BackendVsRef, RandomDrawsAreIdentical) {
  const ops::RandomKey key{1234u, 0x5eedu};
  using N = ops::Noise;
  for (const Shape& s : {Shape{5, 7}, Shape{1, 4}, Shape{2, 13}, Shape{3, 2, 3, 3}})
    for (bool last : {false, true})
      for (uint64_t first : {uint64_t{0}, uint64_t{3}, (uint64_t{1} << 32) + 5}) {
        const std::string what = describe(s.str(), "channels-last", last, "first index", first);
        auto list = [&] { return tensors(random(s, last), random(s, last)); };
        expect_same("random_uniform " + what, list(),
                    BACKEND_AND_REF(random_uniform(t[0], key, first, -2.0f, 3.0f)), Match::kExact);
        expect_same("random_normal " + what, list(),
                    BACKEND_AND_REF(random_normal(t[0], key, first, 0.5f, 2.0f)), Match::kExact);
        expect_same("dropout_mask " + what, list(),
                    BACKEND_AND_REF(dropout_mask(t[0], key, first, 0.3f)), Match::kExact);
        for (N kind : {N::kNone, N::kGaussian, N::kMasking, N::kSaltPepper})
          expect_same(describe("corrupt", static_cast<int>(kind), what), list(),
                      BACKEND_AND_REF(corrupt(kind, 0.3f, key, t[0], t[1], first)), Match::kExact);
      }
}

// A draw belongs to the element: the same fill in channels-last and in nchw memory holds the
// same numbers once laid out alike (DESIGN: the same seed gives the same result on any device,
// whose layouts may differ).
TEST_P(BackendVsRef, RandomDrawsFollowTheElementNotTheLayout) {
  const ops::RandomKey key{77u, 3u};
  const Shape s{3, 5, 4, 3};
  for (int fill = 0; fill < 3; ++fill) {
    Tensor nchw(s, GetParam()), nhwc(s, GetParam()), back(s);
    nhwc.set_channels_last(true);
    auto draw = [&](Tensor& t) {
      if (fill == 0) ops::random_uniform(t, key, 9, -1.0f, 1.0f);
      if (fill == 1) ops::random_normal(t, key, 9, 0.0f, 1.0f);
      if (fill == 2) ops::dropout_mask(t, key, 9, 0.5f);
    };
    draw(nchw);
    draw(nhwc);
    ops::copy_layout(copy_to(nhwc, Device::kCpu), back);  // relaid on the host
    expect_tensor(back, copy_to(nchw, Device::kCpu), Match::kExact, 0, describe("fill", fill));
  }
}

// ---- optimizer updates ----------------------------------------------------------------------

TEST_P(BackendVsRef, OptimizerUpdates) {
  for (int64_t n : {1, 17, 1000})
    for (float decay : {0.0f, 0.01f}) {
      const Shape s{n};
      // params, grads, velocity or m, v (positive)
      auto list = [&] { return tensors(random(s), random(s), random(s), uniform(s, 0.0f, 2.0f)); };
      expect_same(describe("sgd_update", n, decay), list(),
                  BACKEND_AND_REF(sgd_update(t[0], t[1], t[2], 0.1f, 0.9f, decay)));
      for (int64_t step : {1, 2, 10})
        expect_same(describe("adam_update", n, decay, step), list(),
                    BACKEND_AND_REF(adam_update(t[0], t[1], t[2], t[3], 0.01f, 0.9f, 0.999f, 1e-8f,
                                                decay, step)));
    }
}

INSTANTIATE_TEST_SUITE_P(Cpu, BackendVsRef, ::testing::Values(Device::kCpu),
                         [](const auto& info) { return std::string(device_name(info.param)); });
INSTANTIATE_TEST_SUITE_P(Cpu, ConvVsRef, ::testing::Values(Device::kCpu),
                         [](const auto& info) { return std::string(device_name(info.param)); });
// The CUDA backend against the same oracle (skipped, saying why, where no GPU can be used).
INSTANTIATE_TEST_SUITE_P(Cuda, BackendVsRef, ::testing::Values(Device::kCuda),
                         [](const auto& info) { return std::string(device_name(info.param)); });
INSTANTIATE_TEST_SUITE_P(Cuda, ConvVsRef, ::testing::Values(Device::kCuda),
                         [](const auto& info) { return std::string(device_name(info.param)); });

}  // namespace
}  // namespace latent
