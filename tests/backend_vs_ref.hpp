#pragma once
// The harness of the backend-against-reference tests (runtime_backend_vs_ref.cpp, and the bf16
// arithmetic in runtime_bf16_vs_ref.cpp): a case makes its tensors on the host; the backend runs
// the op through ops:: on copies of them on the suite's device, the reference through ref:: on
// host copies; then every tensor and the value the op returns are compared.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "grad_check.hpp"
#include "runtime/device.hpp"
#include "runtime/ops.hpp"
#include "runtime/ref/ref_ops.hpp"

namespace latent::testing {

using Tensors = std::vector<Tensor>;

// ---- the harness ----------------------------------------------------------------------------

// A copy of `src` on `device`, in the same layout, through the explicit host crossings.
inline Tensor copy_to(const Tensor& src, Device device) {
  Tensor t(src.shape(), device);
  t.set_channels_last(src.channels_last());
  if (src.device() == Device::kCpu) {
    ops::copy_from_host(src.data(), t);
  } else {
    if (device != Device::kCpu)
      throw std::logic_error(std::string("no copy from ") + device_name(src.device()) + " to " +
                             device_name(device) + " in this test");
    ops::copy_to_host(src, t.data());
  }
  return t;
}

template <class... T>
inline Tensors tensors(T&&... t) {
  Tensors list;
  (list.push_back(std::move(t)), ...);
  return list;
}

template <class... A>
inline std::string describe(const A&... parts) {
  std::ostringstream s;
  ((s << parts << ' '), ...);
  return s.str();
}

// Float math agrees to a relative 1e-4 of the output's scale; moves, random draws, argmax and
// counts agree exactly.
enum class Match { kClose, kExact };
constexpr double kRelative = 1e-4;

// One side of a case: runs the op on the list's tensors, returns the op's value (0 for none).
using Side = std::function<double(Tensors&)>;

template <class F>
inline double value_of(F f) {
  if constexpr (std::is_void_v<decltype(f())>) {
    f();
    return 0.0;
  } else if constexpr (std::is_same_v<decltype(f()), Scalar>) {
    return f().value();
  } else {
    return static_cast<double>(f());
  }
}

// The same call through the backend (ops::) and through the reference (ref::), on the list `t`.
#define BACKEND_AND_REF(call)                                      \
  [&](Tensors& t) { return value_of([&] { return ops::call; }); }, \
      [&](Tensors& t) { return value_of([&] { return ref::call; }); }

inline double max_abs(const Tensor& t) {
  double m = 0;
  for (int64_t i = 0; i < t.numel(); ++i) m = std::max(m, std::abs(double{t.data()[i]}));
  return m;
}

// `scale`: the size the error is measured against, at least the largest |want|.
// `relative`: the tolerance as a share of the scale (kRelative unless a case says).
inline void expect_tensor(const Tensor& got, const Tensor& want, Match match, double scale,
                          const std::string& what, double relative = kRelative) {
  ASSERT_EQ(got.shape(), want.shape()) << what;
  scale = std::max({scale, max_abs(want), double{std::numeric_limits<float>::min()}});
  const double tolerance = match == Match::kExact ? 0.0 : relative * scale;
  int64_t bad = 0, worst = -1;
  double worst_error = 0;
  for (int64_t i = 0; i < want.numel(); ++i) {
    const float g = got.data()[i], w = want.data()[i];
    const bool same = match == Match::kExact ? std::memcmp(&g, &w, sizeof g) == 0
                                             : std::abs(double{g} - w) <= tolerance;
    if (same) continue;
    ++bad;
    const double error =
        std::isnan(g) ? std::numeric_limits<double>::infinity() : std::abs(double{g} - w);
    if (worst < 0 || error > worst_error) worst = i, worst_error = error;
  }
  EXPECT_EQ(bad, 0) << what << ": " << bad << " of " << want.numel()
                    << " elements differ; worst at memory position " << worst << ": backend "
                    << (worst >= 0 ? got.data()[worst] : 0.0f) << ", reference "
                    << (worst >= 0 ? want.data()[worst] : 0.0f) << " (tolerance " << tolerance
                    << ")";
}

// A convolution case: input [n, c, h, w], weights [o, c, k, k], and the output of the
// convolution or of the transposed one.
struct ConvCase {
  int64_t n, c, o, k, stride, pad, h, w;
  Shape x() const { return Shape{n, c, h, w}; }
  Shape weights() const { return Shape{o, c, k, k}; }
  Shape y(bool transposed) const {
    const ops::ConvGeometry g{stride, pad};
    auto out = [&](int64_t in) {
      return transposed ? ops::deconv_out_size(in, k, g) : ops::conv_out_size(in, k, g);
    };
    return Shape{n, o, out(h), out(w)};
  }
  std::string str(bool transposed, bool x_last, bool y_last) const {
    return describe(transposed ? "deconv" : "conv", x().str(), weights().str(), "stride", stride,
                    "pad", pad, "x channels-last", x_last, "y channels-last", y_last);
  }
};

class BackendVsRef : public ::testing::TestWithParam<Device> {
 protected:
  // A device this process cannot use (no GPU, a build without CUDA) skips, saying why.
  void SetUp() override {
    const std::string why = device_unavailable_reason(GetParam());
    if (!why.empty()) GTEST_SKIP() << device_name(GetParam()) << " not tested here: " << why;
  }
  // A host tensor of standard normals, each call's different, in the layout asked for.
  Tensor random(const Shape& s, bool channels_last = false) {
    Tensor t = testing::random_tensor(s, ++seed_);
    t.set_channels_last(channels_last);
    return t;
  }
  // A convolution's tensors, random: x, w, b, y (or dy), dx, dw, db.
  Tensors conv_tensors(const ConvCase& cc, bool transposed, bool x_last, bool y_last) {
    return tensors(random(cc.x(), x_last), random(cc.weights()), random(Shape{cc.o}),
                   random(cc.y(transposed), y_last), random(cc.x(), x_last), random(cc.weights()),
                   random(Shape{cc.o}));
  }
  // Uniform in [lo, hi) (targets, rates).
  Tensor uniform(const Shape& s, float lo, float hi) {
    Tensor t(s);
    ref::random_uniform(t, {++seed_, 5}, 0, lo, hi);
    return t;
  }

  // Runs the op on the backend on device copies of `host` and on the reference on host copies,
  // then compares the value it returns and every tensor of the list. `scale`: see expect_tensor.
  void expect_same(const std::string& what, const Tensors& host, const Side& backend,
                   const Side& reference, Match match = Match::kClose, double scale = 0,
                   double relative = kRelative) {
    Tensors on_device, on_host;
    for (const Tensor& t : host) {
      on_device.push_back(copy_to(t, GetParam()));
      on_host.push_back(copy_to(t, Device::kCpu));
    }
    const double got = backend(on_device), want = reference(on_host);
    if (match == Match::kExact)
      EXPECT_EQ(got, want) << what << ": returned value";
    else
      EXPECT_NEAR(got, want, relative * std::max(std::abs(want), 1e-12))
          << what << ": returned value";
    for (size_t k = 0; k < host.size(); ++k)
      expect_tensor(copy_to(on_device[k], Device::kCpu), on_host[k], match, scale,
                    what + ": tensor " + std::to_string(k), relative);
  }

 private:
  uint32_t seed_ = 100;
};

}  // namespace latent::testing
