#pragma once
// Data-parallel gradient synchronisation over a parameter store's flat gradient buffer.
//
// The buffer is cut into buckets of about `bucket_bytes`, contiguous ranges in the store's
// order (reverse layer order). As backward passes layers, the network reports how much of the
// buffer is final (`ready_up_to`); every bucket lying wholly inside starts its non-blocking
// reduction at once, so communication overlaps the rest of backward. `finish()` waits for all
// before the optimizer step. With overlap off everything is one blocking reduction at finish.
//
// Sharded (the default with several ranks, ZeRO stage 1): a bucket is reduce-scattered
// instead of allreduced, so each rank holds the summed gradient of its part of every bucket
// only; it updates the parameters (and optimizer state) of those parts alone, and an
// all-gather of each bucket then gives every rank all the new parameters. The same bytes
// travel as with an allreduce, but the optimizer's pass over memory is divided by the number
// of ranks. Optimizer state is current only in a rank's own parts: gather_parts() makes it
// whole (checkpoints).
//
// Gradients are already scaled by 1 / global batch (the losses do it), so the sum over ranks
// is the gradient of the global batch.
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "runtime/communicator.hpp"
#include "runtime/tensor.hpp"

namespace latent {

class GradientSync {
 public:
  GradientSync(Communicator& comm, Tensor& grads, int64_t bucket_bytes, bool overlap, bool sharded);
  // Called when grads[0, offset) will not change again in this backward.
  void ready_up_to(int64_t offset);
  // Starts what has not started and waits for everything.
  void finish();
  size_t bucket_count() const { return buckets_.size(); }
  bool sharded() const { return sharded_; }
  // The ranges [begin, end) of the flat buffers this rank updates: its part of each bucket
  // (sharded), or the whole buffer.
  const std::vector<std::pair<int64_t, int64_t>>& owned_ranges() const { return owned_; }
  // Sharded: every rank's parts of `t` (a flat buffer of the gradients' size: the parameters
  // after an update, optimizer state) to every rank. Blocking; no-op when not sharded.
  void gather_parts(Tensor& t);
  // Seconds spent blocked in finish() and gather_parts() (communication not hidden).
  double exposed_seconds() const { return exposed_seconds_; }

 private:
  struct Bucket {
    int64_t begin, end;
    std::vector<int64_t> counts;  // sharded: each rank's part of the bucket
    std::unique_ptr<Communicator::Request> pending;
  };
  void start(Bucket& b);

  Communicator& comm_;
  Tensor& grads_;
  bool overlap_, sharded_;
  std::vector<Bucket> buckets_;
  std::vector<std::pair<int64_t, int64_t>> owned_;
  size_t next_ = 0;  // first bucket not started
  double exposed_seconds_ = 0;
};

}  // namespace latent
