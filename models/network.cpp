#include "models/network.hpp"

#include <algorithm>
#include <cmath>

#include "runtime/host_staging.hpp"

namespace latent {

Network::Network(std::string name, std::unique_ptr<Sequential> layers,
                 const OptimizerConfig& optimizer, uint32_t seed, Device device, ops::Math math)
    : name_(std::move(name)), layers_(std::move(layers)) {
  layers_->set_math(math);
  layers_->init_params(CounterRng(seed, init_stream()));
  // Reverse layer order in the store: what backward finishes first sits at the front.
  ready_offset_.assign(layers_->size(), 0);
  int64_t offset = 0;
  for (size_t i = layers_->size(); i-- > 0;) {
    for (Param* p : layers_->layer(i).params()) offset += p->value.numel();
    ready_offset_[i] = offset;
  }
  layers_->adopt_into(store_, device);
  if (device != Device::kCpu)
    for (StateTensor& s : layers_->state()) {
      Tensor uploaded;
      on_device(*s.tensor, device, uploaded);
      *s.tensor = std::move(uploaded);
    }
  optimizer_ = make_optimizer(optimizer, store_.numel(), device);
}

void Network::enable_gradient_sync(Communicator& comm, const SyncOptions& o) {
  sync_.reset();
  // Shared windows hold host memory: ranks on a GPU keep their store on it and use NCCL, or
  // the MPI collectives through host copies (--comm mpi).
  if (o.node_shared && comm.size() > 1 && device() == Device::kCpu) {
    std::vector<Tensor*> state;
    for (auto& [name, t] : optimizer_->state()) state.push_back(t);
    sync_ = make_node_shared_sync(comm, store_, state);
  }
#ifdef LATENT_WITH_CUDA
  // NCCL's kernels cost a launch each: buckets of at least 4 MB (0.25 MB suits MPI's progress).
  if (!sync_ && o.nccl && device() == Device::kCuda && comm.size() > 1) {
    std::shared_ptr<NcclChannel> own;
    sync_ = make_nccl_sync(comm, store_.grads(), std::max<int64_t>(o.bucket_bytes, 4 << 20),
                           o.nccl_channel ? *o.nccl_channel : own);
  }
#endif
  if (!sync_)
    sync_ = make_bucketed_sync(comm, store_.grads(), o.bucket_bytes, o.overlap, o.sharded);
  layers_->set_backward_hook([this](size_t i) {
    if (syncing_) sync_->ready_up_to(ready_offset_[i]);
  });
}

const Tensor& Network::backward(const Tensor& dy, bool need_dx, Grads grads) {
  syncing_ = grads == Grads::kSync;
  if (grads == Grads::kSkip) layers_->set_param_grads(false);
  const Tensor& dx = layers_->backward(dy, need_dx);
  if (grads == Grads::kSkip) layers_->set_param_grads(true);
  syncing_ = false;
  return dx;
}

void Network::step_together(const std::vector<Network*>& networks, float lr) {
  size_t synced = 0, last_synced = 0;
  for (size_t i = 0; i < networks.size(); ++i)
    if (networks[i]->sync_) last_synced = i;
  for (size_t i = 0; i < networks.size(); ++i) {
    Network& net = *networks[i];
    if (!net.sync_) {
      net.optimizer_->step(net.store_.values(), net.store_.grads(), lr);
      continue;
    }
    net.sync_->finish(/*peers_final=*/synced++ > 0);
    net.optimizer_->step(net.store_.values(), net.store_.grads(), lr, net.sync_->owned_ranges());
    net.sync_->share_parameters(net.store_.values(), /*later_wait=*/i < last_synced);
  }
}

void Network::enable_average(double half_life_samples) {
  half_life_ = half_life_samples;
  average_.resize(store_.values().shape(), device());
  ops::copy(store_.values(), average_);
}

void Network::update_average(int64_t samples) {
  if (!has_average()) return;
  const float beta = static_cast<float>(std::pow(0.5, static_cast<double>(samples) / half_life_));
  ops::scale(average_, beta);
  ops::axpy(1.0f - beta, store_.values(), average_);
}

void Network::reset_average() {
  if (has_average()) ops::copy(store_.values(), average_);
}

void Network::swap_average() {
  swap_.resize(average_.shape(), average_.device());
  ops::copy(store_.values(), swap_);
  ops::copy(average_, store_.values());
  ops::copy(swap_, average_);
}

void Network::gather_optimizer_state() {
  if (!sync_) return;
  for (auto& [name, t] : optimizer_->state()) sync_->gather_parts(*t);
}

}  // namespace latent
