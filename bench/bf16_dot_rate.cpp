// The core's own ceiling for bf16 against fp32: how many flops one core retires per second from
// a stream of independent fp32 FMAs (vfmadd231ps, 32 flops on a zmm) and of bf16 dot products
// (vdpbf16ps, 64 flops: 16 lanes × 2 pairs × multiply-add), no memory involved. Where the two
// rates are equal the bf16 unit has half the FMA units' throughput, and no library can make a
// bf16 matmul faster than fp32 on that core (AMX aside); where bf16 is about 2× (AMD Zen 4),
// it can.
//
//   bf16_dot_rate [SECONDS]  (default 1 each)
//   -> {"fp32_fma_gflops": 142.1, "bf16_dot_gflops": 140.9, "bf16_over_fp32": 0.99}
#include <immintrin.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kChains = 12;  // independent accumulators: enough to cover either latency
constexpr long kInner = 1 << 16;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

__attribute__((target("avx512f"))) float lanes_sum(const __m512* acc) {
  alignas(64) float lanes[16];
  float sum = 0;
  for (int c = 0; c < kChains; ++c) {
    _mm512_store_ps(lanes, acc[c]);
    for (float v : lanes) sum += v;
  }
  return sum;
}

// Each runs rounds of kChains × kInner instructions for about `seconds` and returns the flops
// per second; the accumulators' sum goes to `sink` so nothing is optimised away.
__attribute__((target("avx512f"))) double fp32_fma_gflops(double seconds, float* sink) {
  __m512 acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = _mm512_set1_ps(0.001f * c);
  const __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(0.0001f);
  long rounds = 0;
  const auto start = Clock::now();
  do {
    for (long i = 0; i < kInner; ++i) {
#pragma GCC unroll 12  // the accumulators live in registers
      for (int c = 0; c < kChains; ++c) acc[c] = _mm512_fmadd_ps(acc[c], a, b);
    }
    ++rounds;
  } while (seconds_since(start) < seconds);
  const double elapsed = seconds_since(start);
  *sink += lanes_sum(acc);
  return rounds * kInner * kChains * 32.0 / elapsed / 1e9;
}

__attribute__((target("avx512f,avx512bf16"))) double bf16_dot_gflops(double seconds, float* sink) {
  __m512 acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = _mm512_set1_ps(0.001f * c);
  const __m512bh a = _mm512_cvtne2ps_pbh(_mm512_set1_ps(0.5f), _mm512_set1_ps(0.25f));
  const __m512bh b = _mm512_cvtne2ps_pbh(_mm512_set1_ps(1e-4f), _mm512_set1_ps(-1e-4f));
  long rounds = 0;
  const auto start = Clock::now();
  do {
    for (long i = 0; i < kInner; ++i) {
#pragma GCC unroll 12
      for (int c = 0; c < kChains; ++c) acc[c] = _mm512_dpbf16_ps(acc[c], a, b);
    }
    ++rounds;
  } while (seconds_since(start) < seconds);
  const double elapsed = seconds_since(start);
  *sink += lanes_sum(acc);
  return rounds * kInner * kChains * 64.0 / elapsed / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bf16")) {
    std::printf("{\"error\": \"this CPU lacks avx512f or avx512_bf16\"}\n");
    return 1;
  }
  float sink = 0;
  const double fp32 = fp32_fma_gflops(seconds, &sink), bf16 = bf16_dot_gflops(seconds, &sink);
  std::printf("{\"fp32_fma_gflops\": %.1f, \"bf16_dot_gflops\": %.1f, \"bf16_over_fp32\": %.2f}\n",
              fp32, bf16, bf16 / fp32);
  return sink == 12345.0f;  // keeps the accumulators alive
}
