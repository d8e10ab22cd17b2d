#pragma once
// Data-parallel gradient synchronisation over a network's flat parameter store: the gradients
// of the global batch summed over ranks, the optimizer run, the new parameters on every rank.
// Two ways (runtime/bucketed_gradient_sync.cpp, runtime/node_shared_gradient_sync.cpp):
//
// Bucketed MPI collectives. The gradient buffer is cut into buckets of about `bucket_bytes`,
// contiguous ranges in the store's order (reverse layer order). As backward passes layers, the
// network reports how much of the buffer is final (`ready_up_to`); every bucket lying wholly
// inside starts its non-blocking reduction at once, so communication overlaps the rest of
// backward; `finish()` waits for all before the optimizer step. Sharded (ZeRO stage 1): buckets
// are reduce-scattered instead of allreduced, each rank updates its part of every bucket alone,
// and an all-gather of each bucket then gives every rank all the new parameters: the same bytes
// travel as with an allreduce, but the optimizer's pass over memory is divided by the ranks.
//
// Node-shared memory. The ranks of a node keep one copy of the parameters and optimizer state
// in an MPI-3 shared-memory window, and each rank's gradients in a window too. At the step each
// rank sums its slice of the buffer over the node's ranks straight from their memory (no copies
// through MPI), allreduces that slice with the same slice of the other nodes, and updates it;
// a barrier later every rank reads the new parameters. Within a node nothing is copied, and the
// optimizer's work is divided by the ranks.
//
// Gradients are already scaled by 1 / global batch (the losses do it), so the sum over ranks
// is the gradient of the global batch.
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "runtime/communicator.hpp"
#include "runtime/param_store.hpp"
#include "runtime/tensor.hpp"

namespace latent {

class GradientSync {
 public:
  virtual ~GradientSync() = default;
  // Called when grads[0, offset) will not change again in this backward.
  virtual void ready_up_to(int64_t offset) = 0;
  // Sums the gradients over ranks (at least in this rank's owned ranges); before the optimizer.
  // `peers_final`: the caller knows that every rank's gradients here are final (another sync of
  // the same step already waited for the ranks after all their backward passes), so a sync that
  // would wait for the node's ranks first need not.
  virtual void finish(bool peers_final) = 0;
  // The ranges [begin, end) of the flat buffers this rank's optimizer updates.
  virtual const std::vector<std::pair<int64_t, int64_t>>& owned_ranges() const = 0;
  // After the optimizer has updated the owned ranges: every rank holds all new parameters.
  // `later_wait`: another sync of the same step shares its parameters after this one, and its
  // wait for the node's ranks will cover this sync's too.
  virtual void share_parameters(Tensor& values, bool later_wait) = 0;
  // Every rank's owned parts of `t` (optimizer state) to every rank, for checkpoints.
  // Collective.
  virtual void gather_parts(Tensor& t) = 0;
  // Seconds blocked on other ranks or moving gradients (communication not hidden).
  double exposed_seconds() const { return exposed_seconds_; }

 protected:
  double exposed_seconds_ = 0;
};

// Bucketed collectives over `grads` (allreduce, or reduce-scatter + all-gather when `sharded`).
std::unique_ptr<GradientSync> make_bucketed_sync(Communicator& comm, Tensor& grads,
                                                 int64_t bucket_bytes, bool overlap, bool sharded);

// Node-shared memory: moves `store`'s buffers and `optimizer_state` (flat tensors of the
// store's size) into shared memory. Null when the nodes hold different numbers of ranks (the
// slices would not line up across nodes). Collective.
std::unique_ptr<GradientSync> make_node_shared_sync(Communicator& comm, ParamStore& store,
                                                    const std::vector<Tensor*>& optimizer_state);

// The NCCL communicator and stream that a model's NCCL syncs share (runtime/cuda/): several
// communicators whose collectives overlap may deadlock.
struct NcclChannel;

// NCCL over GPU gradients (`grads` on Device::kCuda), buckets of about `bucket_bytes` allreduced
// on the channel's stream as backward makes them final (runtime/cuda/nccl_gradient_sync.cpp;
// CUDA builds only). A null `channel` is made here (collective: `comm` carries rank 0's NCCL id)
// and kept for the model's next syncs; every rank must make its syncs in the same order.
std::unique_ptr<GradientSync> make_nccl_sync(Communicator& comm, Tensor& grads,
                                             int64_t bucket_bytes,
                                             std::shared_ptr<NcclChannel>& channel);

}  // namespace latent
