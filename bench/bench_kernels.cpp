// Kernel benchmarks: oneDNN matmul and (transposed) convolution, forward and both backwards, at
// the shapes the models train with, beside a large sgemm (oneDNN's and OpenBLAS's) as the
// practical peak of this machine. Every case reports FLOPS (a rate: the output shows e.g.
// "FLOPS=80.1G/s") measured on wall-clock time, so multi-threaded runs are counted right.
//
// The kernels go through latent::ops exactly as the layers call them, so the time includes what
// a training step pays per call: layout reorders (nchw <-> oneDNN's blocked layouts) around
// convolutions, the accumulate post-op on weight gradients, the stream wait.
//
//   bench_kernels [--threads=N] [Google Benchmark flags]
//
// --threads=N (default 1) sets oneDNN's OpenMP threads and OpenBLAS's threads for the whole
// process. Run one process per thread count: primitives are cached per shape, not per thread
// count, so mixing thread counts in one process would reuse primitives made for another.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "runtime/ops.hpp"
#include "runtime/tensor.hpp"
#include "runtime/threads.hpp"

#ifdef LATENT_BENCH_OPENBLAS
#include <cblas.h>
#endif

namespace {

using latent::Shape;
using latent::Tensor;
namespace ops = latent::ops;

Tensor random_tensor(const Shape& shape, uint32_t seed) {
  Tensor t(shape);
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  float* p = t.data();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = dist(gen);
  return t;
}

void set_flops(benchmark::State& state, double flops_per_iteration) {
  state.counters["FLOPS"] =
      benchmark::Counter(flops_per_iteration, benchmark::Counter::kIsIterationInvariantRate);
}

// ---- matmul -------------------------------------------------------------------------------

// Large square c = a·b through ops::matmul: oneDNN's own best case.
void BM_OnednnMatmul(benchmark::State& state, int64_t n) {
  Tensor a = random_tensor(Shape{n, n}, 1), b = random_tensor(Shape{n, n}, 2), c(Shape{n, n});
  ops::matmul(a, false, b, false, c);  // create the primitive outside the timed loop
  for (auto _ : state) {
    ops::matmul(a, false, b, false, c);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_flops(state, 2.0 * n * n * n);
}

#ifdef LATENT_BENCH_OPENBLAS
void BM_OpenblasSgemm(benchmark::State& state, int64_t n) {
  Tensor a = random_tensor(Shape{n, n}, 1), b = random_tensor(Shape{n, n}, 2), c(Shape{n, n});
  const int ni = static_cast<int>(n);
  auto gemm = [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, ni, ni, ni, 1.0f, a.data(), ni, b.data(),
                ni, 0.0f, c.data(), ni);
  };
  gemm();
  for (auto _ : state) {
    gemm();
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_flops(state, 2.0 * n * n * n);
}
#endif

// Linear(in -> out) on a batch, with the transposes layers/linear.cpp uses:
//   forward        y[B,out]  = x[B,in] · W[out,in]ᵀ + b
//   backward data  dx[B,in]  = dy[B,out] · W[out,in]
//   backward wts   dW[out,in] += dy[B,out]ᵀ · x[B,in]
// (the bias gradient, a column sum, is not a matmul and is left out)
enum class Pass { kForward, kBackwardData, kBackwardWeights };

void BM_Linear(benchmark::State& state, int64_t batch, int64_t in, int64_t out, Pass pass) {
  Tensor x = random_tensor(Shape{batch, in}, 1), w = random_tensor(Shape{out, in}, 2);
  Tensor bias = random_tensor(Shape{out}, 3), dy = random_tensor(Shape{batch, out}, 4);
  Tensor y(Shape{batch, out}), dx(Shape{batch, in}), dw(Shape{out, in});
  std::function<void()> run;
  switch (pass) {
    case Pass::kForward:
      run = [&] { ops::matmul(x, false, w, true, y, false, &bias); };
      break;
    case Pass::kBackwardData:
      run = [&] { ops::matmul(dy, false, w, false, dx); };
      break;
    case Pass::kBackwardWeights:
      run = [&] { ops::matmul(dy, true, x, false, dw, true); };
      break;
  }
  run();
  for (auto _ : state) {
    run();
    benchmark::ClobberMemory();
  }
  set_flops(state, 2.0 * batch * in * out);
}

// ---- convolution ----------------------------------------------------------------------------

// Conv2d(c -> o, k, stride, pad) or ConvTranspose2d(c -> o, ...) on x[batch, c, hw, hw], with
// bias as the layers have it. Weights are [o, c, k, k] for both (runtime/ops.hpp).
// channels_last: activations of more than one channel stored channels-last, as the DCGAN
// trains (its one-channel images stay plain; those edges then run as im2col matmuls).
struct ConvCase {
  bool transposed;
  int64_t batch, c, o, hw, k, stride, pad;
  bool channels_last = false;
};

void BM_Conv(benchmark::State& state, ConvCase cc, Pass pass) {
  ops::ConvGeometry g{cc.stride, cc.pad};
  int64_t out_hw =
      cc.transposed ? ops::deconv_out_size(cc.hw, cc.k, g) : ops::conv_out_size(cc.hw, cc.k, g);
  Shape xs{cc.batch, cc.c, cc.hw, cc.hw}, ws{cc.o, cc.c, cc.k, cc.k},
      ys{cc.batch, cc.o, out_hw, out_hw};
  Tensor x = random_tensor(xs, 1), w = random_tensor(ws, 2), b = random_tensor(Shape{cc.o}, 3);
  Tensor dy = random_tensor(ys, 4), y(ys), dx(xs), dw(ws), db(Shape{cc.o});
  if (cc.channels_last) {
    for (Tensor* t : {&x, &dx}) t->set_channels_last(cc.c > 1);
    for (Tensor* t : {&y, &dy}) t->set_channels_last(cc.o > 1);
  }
  std::function<void()> run;
  if (!cc.transposed) {
    switch (pass) {
      case Pass::kForward:
        run = [&] { ops::conv2d_forward(x, w, &b, y, g); };
        break;
      case Pass::kBackwardData:
        run = [&] { ops::conv2d_backward_data(dy, w, dx, g); };
        break;
      case Pass::kBackwardWeights:
        run = [&] { ops::conv2d_backward_weights(x, dy, dw, &db, g); };
        break;
    }
  } else {
    switch (pass) {
      case Pass::kForward:
        run = [&] { ops::deconv2d_forward(x, w, &b, y, g); };
        break;
      case Pass::kBackwardData:
        run = [&] { ops::deconv2d_backward_data(dy, w, dx, g); };
        break;
      case Pass::kBackwardWeights:
        run = [&] { ops::deconv2d_backward_weights(x, dy, dw, &db, g); };
        break;
    }
  }
  run();  // create primitives and reorder buffers outside the timed loop
  for (auto _ : state) {
    run();
    benchmark::ClobberMemory();
  }
  // Multiply-adds: every (output pixel, o, c, kh, kw) of a conv; every (input pixel, o, c, kh, kw)
  // of a transposed conv (it scatters each input pixel). All three passes do the same count.
  int64_t pixels = cc.transposed ? cc.hw * cc.hw : out_hw * out_hw;
  set_flops(state, 2.0 * cc.batch * pixels * cc.c * cc.o * cc.k * cc.k);
}

const char* pass_name(Pass p) {
  switch (p) {
    case Pass::kForward:
      return "fwd";
    case Pass::kBackwardData:
      return "bwd_data";
    case Pass::kBackwardWeights:
      return "bwd_weights";
  }
  return "?";
}

void register_all() {
  const Pass passes[] = {Pass::kForward, Pass::kBackwardData, Pass::kBackwardWeights};

  // Peak references: large square sgemm.
  for (int64_t n : {1024, 2048}) {
    std::string size = std::to_string(n);
    benchmark::RegisterBenchmark(("peak/onednn_matmul/" + size).c_str(), BM_OnednnMatmul, n)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
#ifdef LATENT_BENCH_OPENBLAS
    benchmark::RegisterBenchmark(("peak/openblas_sgemm/" + size).c_str(), BM_OpenblasSgemm, n)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
#endif
  }

  // MLP VAE 784-400-20, batch 128: encoder 784->400, heads 400->20 (μ and log σ² alike),
  // decoder 20->400 and 400->784.
  struct LinearCase {
    int64_t in, out;
  };
  for (LinearCase lc : {LinearCase{784, 400}, {400, 20}, {20, 400}, {400, 784}}) {
    for (Pass p : passes) {
      std::string name =
          "vae_linear/" + std::to_string(lc.in) + "x" + std::to_string(lc.out) + "/" + pass_name(p);
      benchmark::RegisterBenchmark(name.c_str(), BM_Linear, int64_t{128}, lc.in, lc.out, p)
          ->UseRealTime()
          ->Unit(benchmark::kMicrosecond);
    }
  }

  // DCGAN on 28x28, batch 128: discriminator convs down, generator transposed convs up.
  struct NamedConv {
    const char* name;
    ConvCase cc;
  };
  const NamedConv convs[] = {
      {"dcgan_conv/1to64_28", {false, 128, 1, 64, 28, 4, 2, 1}},
      {"dcgan_conv/64to128_14", {false, 128, 64, 128, 14, 4, 2, 1}},
      {"dcgan_deconv/128to64_7", {true, 128, 128, 64, 7, 4, 2, 1}},
      {"dcgan_deconv/64to1_14", {true, 128, 64, 1, 14, 4, 2, 1}},
      {"dcgan_conv_nhwc/1to64_28", {false, 128, 1, 64, 28, 4, 2, 1, true}},
      {"dcgan_conv_nhwc/64to128_14", {false, 128, 64, 128, 14, 4, 2, 1, true}},
      {"dcgan_deconv_nhwc/128to64_7", {true, 128, 128, 64, 7, 4, 2, 1, true}},
      {"dcgan_deconv_nhwc/64to1_14", {true, 128, 64, 1, 14, 4, 2, 1, true}},
  };
  for (const NamedConv& nc : convs) {
    for (Pass p : passes) {
      std::string name = std::string(nc.name) + "/" + pass_name(p);
      benchmark::RegisterBenchmark(name.c_str(), BM_Conv, nc.cc, p)
          ->UseRealTime()
          ->Unit(benchmark::kMicrosecond);
    }
  }
}

// Takes --threads=N out of argv (Google Benchmark rejects flags it does not know).
int take_threads_flag(int* argc, char** argv) {
  int threads = 1;
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    if (std::strncmp(argv[i], "--threads=", 10) == 0) {
      threads = std::atoi(argv[i] + 10);
    } else {
      argv[kept++] = argv[i];
    }
  }
  *argc = kept;
  return threads;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = take_threads_flag(&argc, argv);
  latent::set_num_threads(threads);
#ifdef LATENT_BENCH_OPENBLAS
  openblas_set_num_threads(threads);
  benchmark::AddCustomContext("openblas", openblas_get_config());
#endif
  benchmark::AddCustomContext("threads", std::to_string(latent::num_threads()));
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
