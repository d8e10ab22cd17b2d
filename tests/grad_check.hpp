#pragma once
// Central-difference gradient checking (after Caffe's GradientChecker): one seeded checker for
// every layer and every loss. The objective is L = Σ r ⊙ f(x) for a fixed random probe r, so
// backward(r) must give dL/dx and dL/dθ; we compare against (L(x+h) - L(x-h)) / 2h on a
// random sample of elements. Inputs can be pushed away from kinks (ReLU at 0).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "layers/layer.hpp"
#include "runtime/rng.hpp"

namespace latent::testing {

struct GradCheckOptions {
  double step = 1e-2;  // h
  double rtol = 2e-2;
  double atol = 2e-3;
  int samples = 48;       // elements checked per tensor (all when fewer)
  double kink_gap = 0.0;  // push inputs at least this far from 0
  uint64_t seed = 1234;
};

inline Tensor random_tensor(const Shape& s, uint64_t seed, uint64_t stream = 77) {
  Tensor t(s);
  CounterRng(seed, stream).fill_normal(t, 0);
  return t;
}

inline void push_from_zero(Tensor& t, double gap) {
  if (gap <= 0) return;
  float* p = t.data();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] += static_cast<float>(p[i] >= 0 ? gap : -gap);
}

// Indices of up to `samples` elements of a tensor of size n, spread by the RNG.
inline std::vector<int64_t> sample_indices(int64_t n, int samples, uint64_t seed) {
  std::vector<int64_t> idx;
  if (n <= samples) {
    for (int64_t i = 0; i < n; ++i) idx.push_back(i);
    return idx;
  }
  CounterRng rng(seed, 99);
  for (int i = 0; i < samples; ++i) idx.push_back(static_cast<int64_t>(rng.bits(i, 0) % n));
  return idx;
}

// Compares analytic[i] with the central difference of `objective` w.r.t. values[i].
inline void expect_matches_numeric(const std::string& what, Tensor& values,
                                   const std::vector<float>& analytic,
                                   const std::function<double()>& objective,
                                   const GradCheckOptions& o) {
  int checked = 0;
  for (int64_t i : sample_indices(values.numel(), o.samples, o.seed + values.numel())) {
    float saved = values.data()[i];
    values.data()[i] = saved + static_cast<float>(o.step);
    double plus = objective();
    values.data()[i] = saved - static_cast<float>(o.step);
    double minus = objective();
    values.data()[i] = saved;
    double numeric = (plus - minus) / (2 * o.step);
    double a = analytic[i];
    EXPECT_NEAR(a, numeric, o.atol + o.rtol * std::max(std::abs(a), std::abs(numeric)))
        << what << " element " << i;
    ++checked;
  }
  EXPECT_GT(checked, 0) << what;
}

inline std::vector<float> copy_of(const Tensor& t) {
  return std::vector<float>(t.data(), t.data() + t.numel());
}

// Checks dL/dx and dL/dθ of `layer` on a random input of shape `in`.
inline void expect_layer_gradients(Layer& layer, const Shape& in, GradCheckOptions o = {}) {
  layer.init_params(CounterRng(o.seed, 5));
  Tensor x = random_tensor(in, o.seed);
  push_from_zero(x, o.kink_gap);
  PassContext ctx;
  ctx.seed = o.seed;
  Tensor probe = random_tensor(layer.output_shape(in), o.seed, 78);
  auto objective = [&]() {
    const Tensor& y = layer.forward(x, ctx);
    double s = 0;
    for (int64_t i = 0; i < y.numel(); ++i) s += static_cast<double>(y.data()[i]) * probe.data()[i];
    return s;
  };
  for (Param* p : layer.params()) p->grad.zero();
  objective();
  std::vector<float> dx = copy_of(layer.backward(probe, true));
  ASSERT_EQ(static_cast<int64_t>(dx.size()), x.numel());
  std::vector<std::vector<float>> dparams;
  for (Param* p : layer.params()) dparams.push_back(copy_of(p->grad));

  // The gradient rule: a second backward ADDS to the parameter gradients (they double) and
  // OVERWRITES dx (it stays the same). The GAN relies on the first: D's gradients from the real
  // and the fake batch accumulate.
  std::vector<float> dx_again = copy_of(layer.backward(probe, true));
  for (size_t i = 0; i < dx.size(); ++i)
    ASSERT_NEAR(dx_again[i], dx[i], 1e-6 * (1 + std::abs(dx[i])))
        << layer.kind() << " dx changed on a second backward (element " << i << ")";
  auto params = layer.params();
  for (size_t k = 0; k < params.size(); ++k)
    for (int64_t i = 0; i < params[k]->grad.numel(); ++i)
      ASSERT_NEAR(params[k]->grad.data()[i], 2 * dparams[k][i],
                  1e-5 * (1 + std::abs(dparams[k][i])))
          << layer.kind() << " d" << params[k]->name << " element " << i
          << " did not accumulate over two backward passes";

  expect_matches_numeric(layer.kind() + " dx", x, dx, objective, o);
  for (size_t k = 0; k < params.size(); ++k)
    expect_matches_numeric(layer.kind() + " d" + params[k]->name, params[k]->value, dparams[k],
                           objective, o);
}

}  // namespace latent::testing
