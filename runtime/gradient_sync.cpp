#include "runtime/gradient_sync.hpp"

#include <algorithm>
#include <chrono>

namespace latent {

GradientSync::GradientSync(Communicator& comm, Tensor& grads, int64_t bucket_bytes, bool overlap)
    : comm_(comm), grads_(grads), overlap_(overlap) {
  int64_t n = grads.numel();
  int64_t per_bucket = overlap ? std::max<int64_t>(1, bucket_bytes / sizeof(float)) : n;
  for (int64_t begin = 0; begin < n; begin += per_bucket)
    buckets_.push_back({begin, std::min(n, begin + per_bucket), nullptr});
}

void GradientSync::start(Bucket& b) {
  float* data = grads_.data() + b.begin;
  size_t count = static_cast<size_t>(b.end - b.begin);
  if (overlap_)
    b.pending = comm_.allreduce_sum_async(data, count);
  else
    comm_.allreduce_sum(data, count);
}

void GradientSync::ready_up_to(int64_t offset) {
  if (!overlap_ || comm_.size() == 1) return;
  while (next_ < buckets_.size() && buckets_[next_].end <= offset) start(buckets_[next_++]);
  // MPI moves a non-blocking collective forward only inside MPI calls: poke the ones in flight.
  for (size_t i = 0; i < next_; ++i)
    if (buckets_[i].pending) buckets_[i].pending->test();
}

void GradientSync::finish() {
  if (comm_.size() > 1) {
    auto t0 = std::chrono::steady_clock::now();
    while (next_ < buckets_.size()) start(buckets_[next_++]);
    for (auto& b : buckets_)
      if (b.pending) b.pending->wait();
    exposed_seconds_ +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  for (auto& b : buckets_) b.pending.reset();
  next_ = 0;
}

}  // namespace latent
