// Gradient synchronisation through a node's shared memory (runtime/gradient_sync.hpp): one copy
// of the parameters and optimizer state per node, each rank summing and updating its slice.
#include <algorithm>
#include <chrono>
#include <cstring>

#include "runtime/gradient_sync.hpp"
#include "runtime/vector_clones.hpp"

namespace latent {
namespace {

using Clock = std::chrono::steady_clock;

// Node-shared memory is host memory, so this sync serves CPU ranks only: it adds and copies
// plain floats here rather than through ops (GPU ranks will sum with NCCL).

LATENT_VECTOR_CLONES void add_into(float* __restrict sum, const float* __restrict x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) sum[i] += x[i];
}

class NodeSharedGradientSync : public GradientSync {
 public:
  NodeSharedGradientSync(Communicator& comm, Communicator& across, ParamStore& store,
                         const std::vector<Tensor*>& optimizer_state)
      : comm_(comm), across_(across) {
    const int64_t n = store.numel();
    const int local = comm.local_rank(), ranks = comm.local_size();
    // Local rank 0 holds the node's parameters and optimizer state; every rank its gradients.
    const size_t state_floats = static_cast<size_t>(n) * (1 + optimizer_state.size());
    state_ = comm.allocate_node_shared(local == 0 ? state_floats : 0);
    grads_ = comm.allocate_node_shared(static_cast<size_t>(n));
    float* base = state_->segment(0);
    for (size_t k = 0; k < optimizer_state.size(); ++k) {
      float* at = base + n * static_cast<int64_t>(1 + k);
      if (local == 0) std::memcpy(at, optimizer_state[k]->data(), n * sizeof(float));
      optimizer_state[k]->rebind(at);
    }
    store.relocate(base, grads_->segment(local), /*copy_values=*/local == 0);
    for (int r = 0; r < ranks; ++r) peers_.push_back(grads_->segment(r));
    // This rank's slice: as even as it comes, the first (n % ranks) one float longer.
    int64_t lo = 0;
    for (int r = 0; r < local; ++r) lo += n / ranks + (r < n % ranks ? 1 : 0);
    owned_.emplace_back(lo, lo + n / ranks + (local < n % ranks ? 1 : 0));
    comm.node_barrier();
  }

  void ready_up_to(int64_t) override {}

  void finish(bool peers_final) override {
    auto t0 = Clock::now();
    if (!peers_final) comm_.node_barrier();  // every rank of the node has its gradients
    auto [lo, hi] = owned_[0];
    float* mine = peers_[comm_.local_rank()] + lo;
    for (size_t r = 0; r < peers_.size(); ++r)
      if (static_cast<int>(r) != comm_.local_rank()) add_into(mine, peers_[r] + lo, hi - lo);
    if (across_.size() > 1) across_.allreduce_sum(mine, static_cast<size_t>(hi - lo));
    exposed_seconds_ += std::chrono::duration<double>(Clock::now() - t0).count();
  }

  const std::vector<std::pair<int64_t, int64_t>>& owned_ranges() const override { return owned_; }

  // Every slice is updated, and nobody still reads a peer's gradients (the next backward may
  // overwrite them).
  void share_parameters(Tensor&, bool later_wait) override {
    if (later_wait) return;
    auto t0 = Clock::now();
    comm_.node_barrier();
    exposed_seconds_ += std::chrono::duration<double>(Clock::now() - t0).count();
  }

  // Optimizer state is shared within the node, and identical on every node.
  void gather_parts(Tensor&) override { comm_.node_barrier(); }

 private:
  Communicator& comm_;
  Communicator& across_;
  std::unique_ptr<NodeSharedMemory> state_, grads_;
  std::vector<float*> peers_;  // every local rank's gradients
  std::vector<std::pair<int64_t, int64_t>> owned_;
};

}  // namespace

std::unique_ptr<GradientSync> make_node_shared_sync(Communicator& comm, ParamStore& store,
                                                    const std::vector<Tensor*>& optimizer_state) {
  Communicator* across = comm.across_nodes();
  if (!across) return nullptr;
  return std::make_unique<NodeSharedGradientSync>(comm, *across, store, optimizer_state);
}

}  // namespace latent
