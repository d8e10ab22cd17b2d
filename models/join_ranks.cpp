#include "models/join_ranks.hpp"

#include <cstdio>

#include "runtime/error.hpp"
#include "runtime/host_staging.hpp"

namespace latent {
namespace {

// Every rank built its model from its own config: they must be rank 0's.
void expect_same_config(Communicator& comm, const std::string& config_text) {
  std::string text = config_text;
  comm.broadcast(text, 0);
  int differs = text != config_text;
  if (comm.allreduce_max(differs))
    throw UserError("ranks were started with different configs: rank " +
                    std::to_string(comm.rank()) + " differs from rank 0");
}

// The communicator moves host memory (MPI): a device tensor goes through a host copy
// (device-aware collectives come with NCCL).
void broadcast_from_rank0(Communicator& comm, Tensor& t) {
  in_host_memory(t, [&](float* values) { comm.broadcast(values, t.numel(), 0); });
}

void copy_rank0_state(Communicator& comm, Network& net) {
  broadcast_from_rank0(comm, net.store().values());
  for (auto& s : net.layers().state()) broadcast_from_rank0(comm, *s.tensor);
  for (auto& [name, t] : net.optimizer().state()) broadcast_from_rank0(comm, *t);
  if (net.has_average()) broadcast_from_rank0(comm, net.average());
  int64_t steps = net.optimizer().steps();
  comm.broadcast(&steps, 1, 0);
  net.optimizer().set_steps(steps);
}

void sum_gradients_over_ranks(Communicator& comm, Network& net, const TrainOptions& opt) {
  Network::SyncOptions sync;
  sync.bucket_bytes = static_cast<int64_t>(opt.bucket_mb * 1024 * 1024);
  sync.overlap = opt.overlap;
  sync.sharded = opt.shard_optimizer;
  sync.node_shared = opt.node_shared;
  sync.nccl = opt.nccl;
  net.enable_gradient_sync(comm, sync);
  if (opt.sync_bn)
    net.layers().sync_batch_statistics(
        [&comm](float* data, size_t n) { comm.allreduce_sum(data, n); });
}

}  // namespace

void join_ranks(Model& model, Communicator& comm, const TrainOptions& opt,
                const std::string& config_text) {
  if (comm.size() == 1) return;
  expect_same_config(comm, config_text);
  const Device device = model.config().device;
  if (device != Device::kCpu && opt.node_shared && comm.rank() == 0)
    std::fprintf(stderr,
                 "latent: note: --node-shared shares host memory between CPU ranks; with "
                 "--device %s gradients are summed by %s instead\n",
                 device_name(device),
                 opt.nccl ? "NCCL (--comm nccl)" : "the MPI collectives (--comm mpi)");
  for (Network* net : model.networks()) {
    copy_rank0_state(comm, *net);
    sum_gradients_over_ranks(comm, *net, opt);
  }
  // Global-batch statistics of the losses (KL sparsity's ρ̂) are always summed over ranks.
  model.set_rank_sum([&comm](float* data, size_t n) { comm.allreduce_sum(data, n); });
}

}  // namespace latent
