#include "runtime/gradient_sync.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

#include "runtime/host_staging.hpp"
#include "runtime/ops.hpp"

namespace latent {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

class BucketedGradientSync : public GradientSync {
 public:
  BucketedGradientSync(Communicator& comm, Tensor& grads, int64_t bucket_bytes, bool overlap,
                       bool sharded);
  void ready_up_to(int64_t offset) override;
  void finish(bool peers_final) override;
  const std::vector<std::pair<int64_t, int64_t>>& owned_ranges() const override { return owned_; }
  void share_parameters(Tensor& values, bool) override { gather_parts(values); }
  void gather_parts(Tensor& t) override;

 private:
  struct Bucket {
    int64_t begin, end;
    std::vector<int64_t> counts;  // sharded: each rank's part of the bucket
    std::unique_ptr<Communicator::Request> pending;
  };
  void start(Bucket& b);
  float* host_range(const Bucket& b);

  Communicator& comm_;
  Tensor& grads_;
  bool overlap_, sharded_;
  std::vector<Bucket> buckets_;
  std::vector<std::pair<int64_t, int64_t>> owned_;
  size_t next_ = 0;  // first bucket not started
  // Device gradients' host copy: the MPI communicator moves host memory (NCCL comes later).
  std::vector<float> host_grads_;
};

BucketedGradientSync::BucketedGradientSync(Communicator& comm, Tensor& grads, int64_t bucket_bytes,
                                           bool overlap, bool sharded)
    : comm_(comm), grads_(grads), overlap_(overlap), sharded_(sharded && comm.size() > 1) {
  const int64_t n = grads.numel();
  const int64_t per_bucket = overlap ? std::max<int64_t>(1, bucket_bytes / sizeof(float)) : n;
  const int ranks = comm.size();
  for (int64_t begin = 0; begin < n; begin += per_bucket) {
    Bucket b{begin, std::min(n, begin + per_bucket), {}, nullptr};
    if (sharded_) {
      // Parts as even as they come: the first (size % ranks) one float longer.
      const int64_t size = b.end - b.begin;
      int64_t at = b.begin;
      for (int r = 0; r < ranks; ++r) {
        b.counts.push_back(size / ranks + (r < size % ranks ? 1 : 0));
        if (r == comm.rank()) owned_.emplace_back(at, at + b.counts.back());
        at += b.counts.back();
      }
    }
    buckets_.push_back(std::move(b));
  }
  if (!sharded_) owned_.emplace_back(0, n);
  if (grads.device() != Device::kCpu) host_grads_.resize(static_cast<size_t>(n));
}

// Where a bucket's collective runs: the gradients themselves on the host, else their host copy,
// filled from the device now that the bucket's gradients are final.
float* BucketedGradientSync::host_range(const Bucket& b) {
  if (grads_.device() == Device::kCpu) return grads_.data() + b.begin;
  float* host = host_grads_.data() + b.begin;
  ops::copy_to_host(grads_.slice(b.begin, b.end), host);
  return host;
}

void BucketedGradientSync::start(Bucket& b) {
  float* data = host_range(b);
  if (sharded_) {
    b.pending = comm_.reduce_scatter_sum_async(data, b.counts);
    if (!overlap_) b.pending->wait();
  } else if (overlap_) {
    b.pending = comm_.allreduce_sum_async(data, static_cast<size_t>(b.end - b.begin));
  } else {
    comm_.allreduce_sum(data, static_cast<size_t>(b.end - b.begin));
  }
}

void BucketedGradientSync::ready_up_to(int64_t offset) {
  if (!overlap_ || comm_.size() == 1) return;
  while (next_ < buckets_.size() && buckets_[next_].end <= offset) start(buckets_[next_++]);
  // MPI moves a non-blocking collective forward only inside MPI calls: poke the ones in flight.
  for (size_t i = 0; i < next_; ++i)
    if (buckets_[i].pending) buckets_[i].pending->test();
}

void BucketedGradientSync::finish(bool) {
  if (comm_.size() > 1) {
    auto t0 = Clock::now();
    while (next_ < buckets_.size()) start(buckets_[next_++]);
    for (auto& b : buckets_)
      if (b.pending) b.pending->wait();
    if (grads_.device() != Device::kCpu)
      for (auto& b : buckets_) {
        Tensor range = grads_.slice(b.begin, b.end);
        ops::copy_from_host(host_grads_.data() + b.begin, range);
      }
    exposed_seconds_ += seconds_since(t0);
  }
  for (auto& b : buckets_) b.pending.reset();
  next_ = 0;
}

void BucketedGradientSync::gather_parts(Tensor& t) {
  if (!sharded_) return;
  auto t0 = Clock::now();
  in_host_memory(t, [&](float* data) {
    std::vector<std::unique_ptr<Communicator::Request>> pending;
    for (auto& b : buckets_) pending.push_back(comm_.allgather_async(data + b.begin, b.counts));
    for (auto& p : pending) p->wait();
  });
  exposed_seconds_ += seconds_since(t0);
}

}  // namespace

std::unique_ptr<GradientSync> make_bucketed_sync(Communicator& comm, Tensor& grads,
                                                 int64_t bucket_bytes, bool overlap, bool sharded) {
  return std::make_unique<BucketedGradientSync>(comm, grads, bucket_bytes, overlap, sharded);
}

}  // namespace latent
