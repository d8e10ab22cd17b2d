// How close a training step of the MLP VAE 784-400-20 comes to what oneDNN's matmul alone
// allows at the model's own shapes, measured side by side in one process, alternating:
//   step:  Model::train_step on a batch of real-looking data (what `latent train` times);
//   limit: exactly the step's matrix products through ops::matmul (the same primitives, bias
//          fused as in the layers): forward, weight gradients (accumulated), input gradients.
// The ratio limit / step is the share of the step spent at the matmul limit; the rest is
// elementwise passes, losses, noise, the optimizer and bookkeeping.
//
// With --precision bf16 both run in bf16 (the layers' and the products' ops::Math::kBf16); the
// limit's weights count as parameters never updated, so they are converted to bf16 once, where
// the step converts them once per update: the limit is the primitives' own time.
//
//   bench_step_limit [--threads N] [--batch B] [--rounds R] [--precision fp32|bf16]
// Prints one JSON line: batch, threads, precision, step_ms, limit_ms, ratio, gflops (of the limit).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "models/model.hpp"
#include "runtime/ops.hpp"
#include "runtime/rng.hpp"
#include "runtime/threads.hpp"

namespace {

using namespace latent;
using Clock = std::chrono::steady_clock;

const char* arg(int argc, char** argv, const char* name, const char* fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (!std::strcmp(argv[i], name)) return argv[i + 1];
  return fallback;
}

// One product of the step: c[M,N] (+)= op(a)·op(b) (+ bias), as Linear forward/backward call it.
struct Product {
  Tensor a, b, c, bias;
  bool trans_a, trans_b, accumulate, with_bias;
  void run(ops::Math math) {
    ops::matmul(a, trans_a, b, trans_b, c, accumulate, with_bias ? &bias : nullptr, math);
  }
  // 2·M·N·K: c is [M, N], op(a) is [M, K].
  double flops() const { return 2.0 * static_cast<double>(c.numel()) * (a.numel() / c.dim(0)); }
};

Tensor filled(const Shape& s, uint32_t stream) {
  Tensor t(s);
  CounterRng(5, stream).fill_uniform(t, 0);
  return t;
}

// The products of one VAE step for layers (in → out): forward y = x·Wᵀ + b; backward
// dW += dyᵀ·x and, except for the encoder's first layer, dx = dy·W.
std::vector<Product> vae_products(int64_t batch) {
  const int64_t layers[4][2] = {{784, 400}, {400, 40}, {20, 400}, {400, 784}};
  std::vector<Product> p;
  uint32_t s = 1;
  for (int l = 0; l < 4; ++l) {
    const int64_t in = layers[l][0], out = layers[l][1];
    p.push_back({filled({batch, in}, s++), filled({out, in}, s++), Tensor(Shape{batch, out}),
                 filled({out}, s++), false, true, false, true});
    p.back().b.track_writes();  // W: a parameter
    p.push_back({filled({batch, out}, s++), filled({batch, in}, s++), Tensor(Shape{out, in}),
                 Tensor(), true, false, true, false});
    if (l != 0) {
      p.push_back({filled({batch, out}, s++), filled({out, in}, s++), Tensor(Shape{batch, in}),
                   Tensor(), false, false, false, false});
      p.back().b.track_writes();  // W: a parameter
    }
  }
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = std::atoi(arg(argc, argv, "--threads", "1"));
  const int64_t batch = std::atoll(arg(argc, argv, "--batch", "128"));
  const int rounds = std::atoi(arg(argc, argv, "--rounds", "7"));
  const std::string precision = arg(argc, argv, "--precision", "fp32");
  const ops::Math math = precision == "bf16" ? ops::Math::kBf16 : ops::Math::kFp32;
  set_num_threads(threads);

  ModelConfig c;
  c.kind = "vae";
  c.hidden = {400};
  c.latent = 20;
  c.sample_shape = Shape{1, 28, 28};
  c.math = math;
  auto model = make_model(c, 1);
  Tensor data = filled(Shape{batch, 1, 28, 28}, 99);
  std::vector<Product> products = vae_products(batch);
  double flops = 0;
  for (auto& p : products) flops += p.flops();

  const int steps = std::max<int>(20, static_cast<int>(40000 / batch));
  auto time_step = [&] {
    auto t0 = Clock::now();
    for (int i = 0; i < steps; ++i)
      model->train_step(data, BatchInfo{static_cast<uint64_t>(i) * batch, batch, 7, 1.0f, i});
    return std::chrono::duration<double>(Clock::now() - t0).count() / steps;
  };
  auto time_limit = [&] {
    auto t0 = Clock::now();
    for (int i = 0; i < steps; ++i)
      for (auto& p : products) p.run(math);
    return std::chrono::duration<double>(Clock::now() - t0).count() / steps;
  };
  time_step(), time_limit();  // primitives made, caches warm
  // Alternating rounds; the fastest of each (the machine is shared: noise only adds time).
  double step = 1e9, limit = 1e9;
  for (int r = 0; r < rounds; ++r) {
    step = std::min(step, time_step());
    limit = std::min(limit, time_limit());
  }
  std::printf(
      "{\"model\": \"vae 784-400-20\", \"batch\": %lld, \"threads\": %d, \"precision\": \"%s\", "
      "\"step_ms\": %.4f, \"limit_ms\": %.4f, \"ratio\": %.3f, \"limit_gflops\": %.1f, "
      "\"samples_per_s\": %.0f}\n",
      static_cast<long long>(batch), threads, ops::math_name(math), step * 1e3, limit * 1e3,
      limit / step, flops / limit / 1e9, batch / step);
  return 0;
}
