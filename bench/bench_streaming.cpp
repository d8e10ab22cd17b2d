// Streaming throughput of io::StreamingDataset against one plain sequential H5Dread of the same
// file. Makes two ~300 MB files of MNIST-like uint8 samples in $TMPDIR (or /tmp), removed at
// exit: chunked uncompressed, and chunked gzip-4 as `latent convert` writes.
//
//   build/bench/bench_streaming [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "io/array_file.hpp"
#include "io/streaming_dataset.hpp"
#include "runtime/tensor.hpp"

namespace {

constexpr int64_t kSamples = 400000;  // 400000 x 784 bytes = 314 MB
constexpr int64_t kPixels = 28 * 28;
constexpr int64_t kChunkRows = 1337;  // ~1 MiB chunks, as the converters write

std::string g_plain, g_gzip;

// Digit-like samples: mostly zero, a blob of random strokes in the middle.
void make_file(const std::string& path, int gzip) {
  std::vector<uint8_t> data(kSamples * kPixels, 0);
  uint64_t state = 88172645463325252ull;
  for (int64_t i = 0; i < kSamples; ++i)
    for (int64_t y = 6; y < 22; ++y)
      for (int64_t x = 8; x < 20; ++x) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        if ((state & 3) == 0) data[i * kPixels + y * 28 + x] = static_cast<uint8_t>(state >> 56);
      }
  std::remove(path.c_str());
  latent::write_array(path, "images", {kSamples, 1, 28, 28}, latent::ArrayType::kUint8, data.data(),
                      latent::ArrayLayout{kChunkRows, gzip});
}

const std::string& file_for(int64_t gzip) {
  return gzip ? g_gzip : g_plain;
}

// One H5Dread of the whole dataset in its stored uint8 form.
void BM_PlainH5Dread(benchmark::State& state) {
  const std::string& path = file_for(state.range(0));
  for (auto _ : state) {
    std::vector<uint8_t> all = latent::read_array_bytes(path, "images");
    benchmark::DoNotOptimize(all.data());
  }
  state.SetBytesProcessed(state.iterations() * kSamples * kPixels);
  state.counters["samples/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kSamples), benchmark::Counter::kIsRate);
}

// One epoch of rank 0 of `world`: shuffled chunk order and window shuffle, decoded to float
// batches of 256. Bytes are counted as stored (uint8), for comparison with the plain read.
void BM_Streaming(benchmark::State& state) {
  const std::string& path = file_for(state.range(0));
  latent::DatasetSpec spec;
  spec.path = path;
  latent::StreamingOptions o;
  o.world = static_cast<int>(state.range(1));
  o.shuffle = state.range(2) != 0;
  o.batch_per_rank = 256;
  o.buffer_mb = 256;
  latent::StreamingDataset ds(spec, o);
  latent::Tensor batch;
  int64_t samples = 0, epoch = 0;
  for (auto _ : state) {
    ds.start_epoch(epoch++);
    while (ds.next_batch(batch, nullptr, nullptr)) samples += batch.dim(0);
  }
  state.SetBytesProcessed(samples * kPixels);
  state.counters["samples/s"] =
      benchmark::Counter(static_cast<double>(samples), benchmark::Counter::kIsRate);
  state.counters["buffer_MB"] = ds.buffer_high_water_bytes() / 1048576.0;
}

}  // namespace

BENCHMARK(BM_PlainH5Dread)
    ->ArgName("gzip")
    ->Arg(0)
    ->Arg(4)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(2);
BENCHMARK(BM_Streaming)
    ->ArgNames({"gzip", "world", "shuffle"})
    ->Args({0, 1, 1})
    ->Args({0, 1, 0})
    ->Args({0, 4, 1})
    ->Args({4, 1, 1})
    ->Args({4, 1, 0})
    ->Args({4, 4, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(2);

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const char* tmp = std::getenv("TMPDIR");
  const std::string base =
      std::string(tmp ? tmp : "/tmp") + "/latent_bench_streaming_" + std::to_string(::getpid());
  g_plain = base + "_plain.h5";
  g_gzip = base + "_gzip.h5";
  make_file(g_plain, 0);
  make_file(g_gzip, 4);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::remove(g_plain.c_str());
  std::remove(g_gzip.c_str());
  return 0;
}
