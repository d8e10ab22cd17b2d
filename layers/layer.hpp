#pragma once
// Layer contract (as in Caffe and llm.c: explicit forward and backward, no tape):
//   forward(x, ctx)  -> y        keeps what backward needs (a view of x, statistics, masks)
//   backward(dy, ctx) -> dx      dx OVERWRITES, parameter gradients ACCUMULATE
// A layer's output and input-gradient tensors are its own and are reused across steps; the
// returned reference stays valid until the next call. Layers compute only through runtime ops.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "runtime/ops.hpp"
#include "runtime/param_store.hpp"
#include "runtime/rng.hpp"
#include "runtime/tensor.hpp"

namespace latent {

// What a forward pass needs to know beyond its input.
struct PassContext {
  bool train = true;
  uint32_t seed = 0;
  // Global index of the first sample of this batch, so per-sample randomness (dropout masks)
  // is keyed by the sample and not by how the global batch is split across ranks.
  uint64_t first_sample = 0;
};

// Sums a buffer of host memory over every rank in place (synchronised batch norm); layers see
// only this, through sum_across_ranks (layers/rank_sum.hpp), which stages device tensors.
using SumAcrossRanks = std::function<void(float* data, size_t n)>;

// A non-trainable tensor that belongs in checkpoints (batch norm running statistics).
struct StateTensor {
  std::string name;
  Tensor* tensor;
};

class Layer {
 public:
  virtual ~Layer() = default;
  virtual std::string kind() const = 0;  // "linear", "conv2d", ...

  virtual const Tensor& forward(const Tensor& x, const PassContext& ctx) = 0;
  // need_dx = false for the first layer of a network: no gradient for the data.
  virtual const Tensor& backward(const Tensor& dy, bool need_dx) = 0;

  // Fills parameters with their initial values, drawn from `rng` (a stream of their own).
  virtual void init_params(const CounterRng& rng) { (void)rng; }
  virtual std::vector<Param*> params() { return {}; }
  virtual std::vector<StateTensor> state() { return {}; }
  // Batch statistics from every rank's samples (--sync-bn); layers without any ignore it.
  virtual void sync_batch_statistics(const SumAcrossRanks& sum) { (void)sum; }
  // Output shape for an input shape (networks check shapes when they are built).
  virtual Shape output_shape(const Shape& in) const = 0;
  // Off while a backward pass wants only dx (a GAN's generator step passes through D, whose
  // gradients nobody reads): layers then skip computing their parameter gradients, which are
  // left untouched. Containers pass it on.
  virtual void set_param_grads(bool on) { param_grads_ = on; }
  // The arithmetic of this layer's matrix products (runtime/ops.hpp ops::Math): part of its plan,
  // so model code is the same in every precision. Layers without any ignore it; containers pass
  // it on.
  virtual void set_math(ops::Math math) { (void)math; }
  // Whether forward takes channels-last [N,C,H,W] input as its flattened samples would be, in
  // C, H, W order (and returns dx channels-last too). Then a flatten before it leaves
  // channels-last data as it is (Sequential tells it with set_next_reads_channels_last).
  virtual bool reads_channels_last() const { return false; }
  virtual void set_next_reads_channels_last(bool on) { (void)on; }
  // Whether this layer takes over the activation f(alpha) that follows it, applying it to its
  // output as it writes it (Sequential asks; the activation layer then passes data through).
  virtual bool absorb_activation(ops::Activation f, float alpha) {
    (void)f, (void)alpha;
    return false;
  }

 protected:
  bool param_grads_ = true;
};

}  // namespace latent
