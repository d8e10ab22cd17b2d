#pragma once
// A trainable network: layers, their parameters in one store, an optimizer over the store,
// and (when data-parallel) the synchronisation of its gradients. Each of a GAN's two networks
// is one of these, synchronised on its own.
#include <memory>
#include <string>
#include <vector>

#include "layers/sequential.hpp"
#include "runtime/communicator.hpp"
#include "runtime/gradient_sync.hpp"
#include "runtime/optimizer.hpp"
#include "runtime/param_store.hpp"

namespace latent {

class Network {
 public:
  // Initialises parameters from (seed, stream "init"/name: every network its own) on the host
  // and adopts them into the store on `device`, where its layers' state (batch norm's running
  // statistics), the optimizer state and, following its input, every buffer of its layers live.
  // Its layers multiply in `math` (--precision; parameters and their updates stay float32).
  Network(std::string name, std::unique_ptr<Sequential> layers, const OptimizerConfig& optimizer,
          uint32_t seed, Device device = Device::kCpu, ops::Math math = ops::Math::kFp32);

  const std::string& name() const { return name_; }
  // The parent of its layers' initialisation streams.
  StreamId init_stream() const { return derive_stream(kStreamInit, name_); }
  Sequential& layers() { return *layers_; }
  ParamStore& store() { return store_; }
  Device device() const { return store_.values().device(); }
  Optimizer& optimizer() { return *optimizer_; }

  const Tensor& forward(const Tensor& x, const PassContext& ctx) {
    return layers_->forward(x, ctx);
  }
  // What a backward pass does with the parameter gradients.
  enum class Grads {
    kSync,        // accumulate them; the last backward before step(): buckets start their
                  // allreduce as layers finish
    kAccumulate,  // accumulate them; another backward follows before step() (a GAN's D step)
    kSkip,        // only dx is wanted (a GAN's generator step passes through D): none computed,
                  // the store's left as they were
  };
  const Tensor& backward(const Tensor& dy, bool need_dx, Grads grads = Grads::kSync);
  void zero_grad() { store_.zero_grad(); }
  // Waits for the gradient allreduce (if any) and applies the optimizer.
  void step(float lr) { step_together({this}, lr); }
  // step() for networks whose backward passes are all done (an autoencoder's encoder and
  // decoder): ranks sharing a node's memory wait for each other once before the updates and
  // once after, not once per network, so one rank's delay is waited for once.
  static void step_together(const std::vector<Network*>& networks, float lr);

  // Makes the network data-parallel (runtime/gradient_sync.hpp): with `node_shared` (on the CPU)
  // the ranks of a node share one copy of the parameters and optimizer state (when every node holds
  // as many ranks; otherwise, or without it, the bucketed collectives): gradients summed over
  // `comm` in buckets of about bucket_bytes, overlapped with backward when `overlap`, each rank
  // updating its part of every bucket when `sharded`. GPU ranks with `nccl` allreduce their
  // buckets with NCCL instead (not sharded). Collective.
  struct SyncOptions {
    int64_t bucket_bytes = 256 << 10;
    bool overlap = true;
    bool sharded = true;
    bool node_shared = true;
    bool nccl = true;  // GPU ranks: NCCL on the GPUs (else MPI through host copies)
    // The model's one NCCL communicator and stream (null: the first NCCL sync makes it here and
    // the model's other networks reuse it); without a slot a network makes its own.
    std::shared_ptr<NcclChannel>* nccl_channel = nullptr;
  };
  void enable_gradient_sync(Communicator& comm, const SyncOptions& options);
  // Sharded: every rank's part of the optimizer state to every rank (before a checkpoint).
  // Collective; a no-op otherwise.
  void gather_optimizer_state();

  // An exponential moving average of the parameters (the EMA generators sample from): after an
  // update on `samples` samples (the global batch), average = β·average + (1-β)·values with
  // β = 0.5^(samples / half_life), so a sample's weight halves every half_life samples seen.
  // Starts equal to the parameters. Every rank holds the same parameters after a step, so every
  // rank's average is the same.
  void enable_average(double half_life_samples);
  bool has_average() const { return !average_.empty(); }
  Tensor& average() { return average_; }
  void update_average(int64_t samples);
  // values <-> average: a network that generates with its average, or back (inference only).
  void swap_average();
  // average = values (a GAN's pretrained generator starts the average).
  void reset_average();
  GradientSync* gradient_sync() { return sync_.get(); }

 private:
  std::string name_;
  std::unique_ptr<Sequential> layers_;
  ParamStore store_;
  std::unique_ptr<Optimizer> optimizer_;
  std::unique_ptr<GradientSync> sync_;
  bool syncing_ = false;
  std::vector<int64_t> ready_offset_;  // grads[0, ready_offset_[i]) final once layer i is done
  Tensor average_, swap_;              // the EMA of store_.values(); empty: none
  double half_life_ = 0;
};

}  // namespace latent
