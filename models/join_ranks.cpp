#include "models/join_ranks.hpp"

#include <cstdio>

#include "runtime/device.hpp"
#include "runtime/error.hpp"
#include "runtime/gpu_choice.hpp"
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
  t.note_written();
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

// Whether GPU ranks sum gradients with NCCL. Its communicator spans every rank and refuses two
// ranks on one GPU, so the node with more ranks than GPUs (if any) decides for all: every rank
// reaches the same choice from the same figures. Collective.
bool sum_with_nccl(Communicator& comm, const TrainOptions& opt) {
  if (!opt.nccl) return false;
  const int gpus = visible_gpu_count();
  const int crowded = comm.allreduce_max(comm.local_size() > gpus ? comm.rank() : -1);
  int64_t figures[2] = {comm.local_size(), gpus};
  if (crowded >= 0) comm.broadcast(figures, 2, crowded);
  const TransportChoice choice =
      choose_gradient_transport(GradientTransport::kNccl, opt.comm_given,
                                static_cast<int>(figures[0]), static_cast<int>(figures[1]));
  if (!choice.note.empty() && comm.rank() == 0)
    std::fprintf(stderr, "latent: note: %s\n", choice.note.c_str());
  return choice.transport == GradientTransport::kNccl;
}

void sum_gradients_over_ranks(Communicator& comm, Network& net, const TrainOptions& opt, bool nccl,
                              std::shared_ptr<NcclChannel>& nccl_channel) {
  Network::SyncOptions sync;
  sync.nccl_channel = &nccl_channel;
  sync.bucket_bytes = static_cast<int64_t>(opt.bucket_mb * 1024 * 1024);
  sync.overlap = opt.overlap;
  sync.sharded = opt.shard_optimizer;
  sync.node_shared = opt.node_shared;
  sync.nccl = nccl;
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
  const bool nccl = device == Device::kCuda && sum_with_nccl(comm, opt);
  if (device != Device::kCpu && opt.node_shared && comm.rank() == 0)
    std::fprintf(stderr,
                 "latent: note: --node-shared shares host memory between CPU ranks; with "
                 "--device %s gradients are summed by %s instead\n",
                 device_name(device),
                 nccl ? "NCCL (--comm nccl)" : "the MPI collectives (--comm mpi)");
  std::shared_ptr<NcclChannel> nccl_channel;  // one for all of the model's networks
  for (Network* net : model.networks()) {
    copy_rank0_state(comm, *net);
    sum_gradients_over_ranks(comm, *net, opt, nccl, nccl_channel);
  }
  // Global-batch statistics of the losses (KL sparsity's ρ̂) are always summed over ranks.
  model.set_rank_sum([&comm](float* data, size_t n) { comm.allreduce_sum(data, n); });
}

}  // namespace latent
