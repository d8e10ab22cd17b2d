// The training data pipeline alone, no model: every rank streams its share of every global
// batch of a shuffled epoch, as `latent train` does, and the job's throughput is the global
// samples per second (rank 0 prints it). With `--exchange false` each rank reads every block
// holding one of its samples (what training did before read-once-exchange); with `true` (the
// default under mpirun) each block is read by one rank and the samples are exchanged.
//
//   [mpirun -np P] build/bench/stream_job --data F.h5 [--epochs 3] [--batch 128]
//       [--io-buffer-mb 64] [--exchange true|false]
// Prints one JSON line: ranks, exchange, samples_per_s (steady state: epochs after the first),
// seconds, reads per epoch (summed over ranks, and the most one rank read).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "io/streaming_dataset.hpp"
#include "runtime/communicator.hpp"

namespace {

const char* arg(int argc, char** argv, const char* name, const char* fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (!std::strcmp(argv[i], name)) return argv[i + 1];
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace latent;
  std::unique_ptr<Communicator> world = make_communicator();
  const std::string data = arg(argc, argv, "--data", "");
  if (data.empty()) {
    std::fprintf(stderr,
                 "usage: stream_job --data F.h5 [--epochs E] [--batch B] "
                 "[--io-buffer-mb MB] [--exchange true|false]\n");
    return 2;
  }
  const int epochs = std::atoi(arg(argc, argv, "--epochs", "3"));
  const bool exchange =
      std::strcmp(arg(argc, argv, "--exchange", "true"), "true") == 0 && world->size() > 1;
  std::unique_ptr<Communicator> data_comm = exchange ? world->duplicate() : nullptr;

  DatasetSpec spec;
  spec.path = data;
  StreamingOptions o;
  o.rank = world->rank();
  o.world = world->size();
  o.seed = 1;
  o.batch_per_rank = std::atoll(arg(argc, argv, "--batch", "128"));
  o.buffer_mb = std::atof(arg(argc, argv, "--io-buffer-mb", "64"));
  o.exchange = data_comm.get();
  StreamingDataset ds(spec, o);

  Tensor batch;
  double steady_seconds = 0;
  int64_t steady_samples = 0;
  world->barrier();
  auto job_start = std::chrono::steady_clock::now();
  for (int e = 0; e < epochs; ++e) {
    auto start = std::chrono::steady_clock::now();
    int64_t samples = 0;
    ds.start_epoch(e);
    while (ds.next_batch(batch, nullptr, nullptr)) samples += batch.dim(0);
    world->barrier();  // the job's epoch ends with its slowest rank
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (e > 0) steady_seconds += seconds, steady_samples += samples;
  }
  double total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - job_start).count();
  double sums[3] = {static_cast<double>(steady_samples), static_cast<double>(ds.reads(1).bytes),
                    static_cast<double>(ds.reads(1).blocks)};
  world->allreduce_sum(sums, 3);
  // The most blocks one rank read in epoch 1.
  std::vector<double> per_rank(world->size(), 0.0);
  per_rank[world->rank()] = static_cast<double>(ds.reads(1).blocks);
  world->allreduce_sum(per_rank.data(), per_rank.size());
  const double most = *std::max_element(per_rank.begin(), per_rank.end());
  if (world->rank() == 0)
    std::printf(
        "{\"ranks\": %d, \"exchange\": %s, \"kept\": %s, \"samples_per_s\": %.0f, "
        "\"seconds\": %.3f, \"epoch1_read_mb\": %.2f, \"epoch1_blocks\": %.0f, "
        "\"epoch1_most_blocks_one_rank\": %.0f, \"window_samples\": %lld, "
        "\"block_rows\": %lld}\n",
        world->size(), exchange ? "true" : "false", ds.keeps_decoded_samples() ? "true" : "false",
        sums[0] / steady_seconds, total, sums[1] / 1048576.0, sums[2], most,
        static_cast<long long>(ds.window_samples()), static_cast<long long>(ds.block_rows()));
  return 0;
}
