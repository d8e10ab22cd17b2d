#pragma once
// Data-parallel gradient synchronisation over a parameter store's flat gradient buffer.
//
// The buffer is cut into buckets of about `bucket_bytes`, contiguous ranges in the store's
// order (reverse layer order). As backward passes layers, the network reports how much of the
// buffer is final (`ready_up_to`); every bucket lying wholly inside starts its non-blocking
// allreduce at once, so communication overlaps the rest of backward. `finish()` waits for all
// before the optimizer step. With overlap off everything is one blocking allreduce at finish.
//
// Gradients are already scaled by 1 / global batch (the losses do it), so the sum over ranks
// is the gradient of the global batch.
#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/communicator.hpp"
#include "runtime/tensor.hpp"

namespace latent {

class GradientSync {
 public:
  GradientSync(Communicator& comm, Tensor& grads, int64_t bucket_bytes, bool overlap);
  // Called when grads[0, offset) will not change again in this backward.
  void ready_up_to(int64_t offset);
  // Starts what has not started and waits for everything.
  void finish();
  size_t bucket_count() const { return buckets_.size(); }
  // Seconds spent blocked in finish() (communication not hidden behind backward).
  double exposed_seconds() const { return exposed_seconds_; }

 private:
  struct Bucket {
    int64_t begin, end;
    std::unique_ptr<Communicator::Request> pending;
  };
  void start(Bucket& b);

  Communicator& comm_;
  Tensor& grads_;
  bool overlap_;
  std::vector<Bucket> buckets_;
  size_t next_ = 0;  // first bucket not started
  double exposed_seconds_ = 0;
};

}  // namespace latent
