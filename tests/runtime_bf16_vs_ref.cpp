// The bf16 arithmetic of the matrix products (ops::Math::kBf16) against the float32 reference.
//
// Two comparisons per case, forward and backward:
//   - against the reference on the float32 inputs, within bf16's tolerance (relative 1e-2 of the
//     output's scale for matmul and the convolutions' forward and backward-data, 2e-2 for the
//     weight gradients, which sum over the whole batch): what a user's results may differ by;
//   - against the reference on the same inputs rounded to bf16 (nearest even), within float32's
//     1e-4: the backend multiplies exactly the rounded inputs and accumulates in fp32, with no
//     bf16 rounding of its sums or outputs (CPU only; a GPU's bf16 runs convolve in TF32).
// And a parameter's converted copy follows its updates (Tensor::write_count).
#include <cstring>

#include "backend_vs_ref.hpp"
#include "runtime/build_info.hpp"

namespace latent {
namespace {

using namespace latent::testing;

constexpr double kBf16Relative = 1e-2, kBf16WeightGradRelative = 2e-2;

// A side of a case that runs an op returning nothing (the harness compares a value, 0 here).
template <class F>
Side run(F f) {
  return [f](Tensors& t) {
    f(t);
    return 0.0;
  };
}

// x rounded to the nearest bf16 (ties to even), kept in float32.
void round_to_bf16(Tensor& x) {
  for (int64_t i = 0; i < x.numel(); ++i) {
    uint32_t bits;
    std::memcpy(&bits, &x.data()[i], sizeof bits);
    bits += 0x7fff + ((bits >> 16) & 1);
    bits &= 0xffff0000u;
    std::memcpy(&x.data()[i], &bits, sizeof bits);
  }
}

class Bf16VsRef : public BackendVsRef {
 protected:
  void SetUp() override {
    BackendVsRef::SetUp();
    if (IsSkipped()) return;
    if (GetParam() == Device::kCpu && !onednn_bf16_missing().empty())
      GTEST_SKIP() << "no native bf16 here: " << onednn_bf16_missing();
  }
  // The op on the backend in bf16 against the reference on the float inputs (loosely), and (on
  // the CPU) against the reference on the same inputs with those listed in `rounded` rounded to
  // bf16, tightly: the backend itself must round them, to nearest, and add in fp32.
  void expect_bf16(const std::string& what, const std::function<Tensors()>& list,
                   const Side& backend, const Side& reference, const std::vector<size_t>& rounded,
                   double relative) {
    expect_same(what + " (bf16 vs fp32)", list(), backend, reference, Match::kClose, 0, relative);
    if (GetParam() != Device::kCpu) return;
    Tensors got = list(), want;
    for (const Tensor& t : got) want.push_back(copy_to(t, Device::kCpu));
    for (size_t k : rounded) round_to_bf16(want[k]);
    backend(got), reference(want);
    for (size_t k = 0; k < got.size(); ++k) {
      if (std::find(rounded.begin(), rounded.end(), k) != rounded.end()) continue;
      expect_tensor(
          got[k], want[k], Match::kClose, 0,
          what + " (bf16 vs the reference on bf16-rounded inputs): tensor " + std::to_string(k));
    }
  }
};

constexpr ops::Math kBf16 = ops::Math::kBf16;

TEST_P(Bf16VsRef, Matmul) {
  struct Size {
    int64_t m, n, k;
  };
  for (Size s : {Size{5, 7, 9}, Size{13, 3, 17}, Size{33, 65, 31}, Size{128, 40, 400}})
    for (bool ta : {false, true})
      for (bool tb : {false, true})
        for (bool accumulate : {false, true}) {
          auto list = [&] {
            return tensors(random(ta ? Shape{s.k, s.m} : Shape{s.m, s.k}),
                           random(tb ? Shape{s.n, s.k} : Shape{s.k, s.n}), random(Shape{s.m, s.n}),
                           random(Shape{s.n}));
          };
          expect_bf16(
              describe("matmul", s.m, s.n, s.k, ta, tb, accumulate), list, run([&](Tensors& t) {
                ops::matmul(t[0], ta, t[1], tb, t[2], accumulate, &t[3], kBf16);
              }),
              run([&](Tensors& t) { ref::matmul(t[0], ta, t[1], tb, t[2], accumulate, &t[3]); }),
              {0, 1}, kBf16Relative);
        }
}

TEST_P(Bf16VsRef, MatmulWithReluAsItWrites) {
  auto list = [&] {
    return tensors(random(Shape{64, 100}), random(Shape{30, 100}), random(Shape{64, 30}),
                   random(Shape{30}));
  };
  expect_bf16("matmul_activated relu", list, run([&](Tensors& t) {
                ops::matmul_activated(t[0], false, t[1], true, t[2], &t[3], ops::Activation::kRelu,
                                      0.0f, kBf16);
              }),
              run([&](Tensors& t) {
                ref::matmul(t[0], false, t[1], true, t[2], false, &t[3]);
                ref::eltwise_forward(ops::Activation::kRelu, 0.0f, t[2], t[2]);
              }),
              {0, 1}, kBf16Relative);
}

// Forward, backward-data and backward-weights of a convolution or a transposed one, in both
// layouts of x and y, in bf16.
class Bf16ConvVsRef : public Bf16VsRef {
 protected:
  void check(const std::vector<ConvCase>& cases, bool transposed) {
    for (const ConvCase& cc : cases)
      for (bool x_last : {false, true})
        for (bool y_last : {false, true}) check_one(cc, transposed, x_last, y_last);
  }

 private:
  void check_one(const ConvCase& cc, bool transposed, bool x_last, bool y_last) {
    const ops::ConvGeometry g{cc.stride, cc.pad, kBf16};
    const std::string what = cc.str(transposed, x_last, y_last);
    auto list = [&] { return conv_tensors(cc, transposed, x_last, y_last); };
    const ops::ConvGeometry ref_g{cc.stride, cc.pad};
    if (transposed) {
      expect_bf16(what + " forward", list,
                  run([&](Tensors& t) { ops::deconv2d_forward(t[0], t[1], &t[2], t[3], g); }),
                  run([&](Tensors& t) { ref::deconv2d_forward(t[0], t[1], &t[2], t[3], ref_g); }),
                  {0, 1}, kBf16Relative);
      expect_bf16(what + " backward data", list,
                  run([&](Tensors& t) { ops::deconv2d_backward_data(t[3], t[1], t[4], g); }),
                  run([&](Tensors& t) { ref::deconv2d_backward_data(t[3], t[1], t[4], ref_g); }),
                  {3, 1}, kBf16Relative);
      expect_bf16(
          what + " backward weights", list,
          run([&](Tensors& t) { ops::deconv2d_backward_weights(t[0], t[3], t[5], &t[6], g); }),
          run([&](Tensors& t) { ref::deconv2d_backward_weights(t[0], t[3], t[5], &t[6], ref_g); }),
          {0, 3}, kBf16WeightGradRelative);
    } else {
      expect_bf16(what + " forward", list,
                  run([&](Tensors& t) { ops::conv2d_forward(t[0], t[1], &t[2], t[3], g); }),
                  run([&](Tensors& t) { ref::conv2d_forward(t[0], t[1], &t[2], t[3], ref_g); }),
                  {0, 1}, kBf16Relative);
      expect_bf16(what + " backward data", list,
                  run([&](Tensors& t) { ops::conv2d_backward_data(t[3], t[1], t[4], g); }),
                  run([&](Tensors& t) { ref::conv2d_backward_data(t[3], t[1], t[4], ref_g); }),
                  {3, 1}, kBf16Relative);
      expect_bf16(
          what + " backward weights", list,
          run([&](Tensors& t) { ops::conv2d_backward_weights(t[0], t[3], t[5], &t[6], g); }),
          run([&](Tensors& t) { ref::conv2d_backward_weights(t[0], t[3], t[5], &t[6], ref_g); }),
          {0, 3}, kBf16WeightGradRelative);
    }
  }
};

TEST_P(Bf16ConvVsRef, Convolution) {
  check({{2, 3, 4, 4, 2, 1, 8, 8},     // [2,3,8,8] → [2,4,4,4]
         {3, 1, 16, 4, 2, 1, 14, 14},  // one input channel (fp32 takes matmuls of its own)
         {1, 5, 3, 3, 2, 0, 7, 9},     // odd, not square, unpadded
         {4, 16, 32, 4, 2, 1, 8, 8}},  // channels the primitives block by 16
        false);
}

TEST_P(Bf16ConvVsRef, TransposedConvolution) {
  check({{2, 4, 3, 4, 2, 1, 4, 4},     // [2,4,4,4] → [2,3,8,8]
         {3, 16, 1, 4, 2, 1, 7, 7},    // one output channel (fp32 takes a matmul and a scatter)
         {1, 3, 5, 3, 2, 1, 3, 5},     // odd, not square
         {4, 32, 16, 4, 2, 1, 4, 4}},  // channels the primitives block by 16
        true);
}

// A parameter (a store's view, its writes counted) is converted to bf16 once per update: the
// product follows each noted write, and a tensor without a count is converted at every call.
TEST_P(Bf16VsRef, ParameterCopiesFollowTheirUpdates) {
  Tensor a = copy_to(random(Shape{16, 64}), GetParam());
  Tensor w_host = random(Shape{8, 64});
  Tensor w = copy_to(w_host, GetParam());
  w.track_writes();
  Tensor c(Shape{16, 8}, GetParam()), fresh(Shape{16, 8}, GetParam());
  for (int update = 0; update < 3; ++update) {
    ops::matmul(a, false, w, true, c, false, nullptr, kBf16);
    Tensor untracked = w.view();
    untracked.share_write_count(Tensor());  // the same values, no count: converted afresh
    ops::matmul(a, false, untracked, true, fresh, false, nullptr, kBf16);
    expect_tensor(copy_to(c, Device::kCpu), copy_to(fresh, Device::kCpu), Match::kExact, 0,
                  describe("update", update));
    ops::scale(w, -0.5f);  // an update...
    w.note_written();      // ...that its writer notes, as an optimizer step does
  }
}

// TF32 (--tf32): on a GPU within TF32's 10-bit mantissa (relative 2e-3 of the output's scale);
// on the CPU, which has no TF32, exactly the fp32 result.
class Tf32VsRef : public BackendVsRef {};

TEST_P(Tf32VsRef, Fp32OnTheCpuAndCloseOnAGpu) {
  const bool cpu = GetParam() == Device::kCpu;
  const ops::ConvGeometry g{2, 1, ops::Math::kTf32}, fp32{2, 1};
  const Match match = cpu ? Match::kExact : Match::kClose;
  const double relative = cpu ? 0 : 2e-3;
  expect_same("matmul tf32",
              tensors(random(Shape{64, 96}), random(Shape{40, 96}), random(Shape{64, 40})),
              run([&](Tensors& t) {
                ops::matmul(t[0], false, t[1], true, t[2], false, nullptr, ops::Math::kTf32);
              }),
              run([&](Tensors& t) {
                cpu ? ops::matmul(t[0], false, t[1], true, t[2])
                    : ref::matmul(t[0], false, t[1], true, t[2], false, nullptr);
              }),
              match, 0, relative);
  expect_same("conv tf32",
              tensors(random(Shape{4, 16, 8, 8}, true), random(Shape{32, 16, 4, 4}),
                      random(Shape{4, 32, 4, 4}, true)),
              run([&](Tensors& t) { ops::conv2d_forward(t[0], t[1], nullptr, t[2], g); }),
              run([&](Tensors& t) {
                cpu ? ops::conv2d_forward(t[0], t[1], nullptr, t[2], fp32)
                    : ref::conv2d_forward(t[0], t[1], nullptr, t[2], fp32);
              }),
              match, 0, relative);
}

INSTANTIATE_TEST_SUITE_P(Cpu, Tf32VsRef, ::testing::Values(Device::kCpu),
                         [](const auto& info) { return std::string(device_name(info.param)); });
INSTANTIATE_TEST_SUITE_P(Cuda, Tf32VsRef, ::testing::Values(Device::kCuda),
                         [](const auto& info) { return std::string(device_name(info.param)); });
INSTANTIATE_TEST_SUITE_P(Cpu, Bf16VsRef, ::testing::Values(Device::kCpu),
                         [](const auto& info) { return std::string(device_name(info.param)); });
INSTANTIATE_TEST_SUITE_P(Cpu, Bf16ConvVsRef, ::testing::Values(Device::kCpu),
                         [](const auto& info) { return std::string(device_name(info.param)); });
INSTANTIATE_TEST_SUITE_P(Cuda, Bf16VsRef, ::testing::Values(Device::kCuda),
                         [](const auto& info) { return std::string(device_name(info.param)); });
INSTANTIATE_TEST_SUITE_P(Cuda, Bf16ConvVsRef, ::testing::Values(Device::kCuda),
                         [](const auto& info) { return std::string(device_name(info.param)); });

}  // namespace
}  // namespace latent
