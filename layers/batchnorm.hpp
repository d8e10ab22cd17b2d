#pragma once
// Batch normalization over N (and H, W) per channel, for [N,C] (1-d) and [N,C,H,W] (2-d).
// Training normalizes with the batch statistics and updates running ones (PyTorch semantics:
// running ← (1-m)·running + m·batch, the variance unbiased); inference uses the running ones.
// Synchronised (--sync-bn): the batch statistics, and in backward the sums that dx needs, are
// taken over every rank's samples, so N ranks × b normalise like one rank × N·b.

#include "layers/layer.hpp"

namespace latent {

class BatchNorm : public Layer {
 public:
  explicit BatchNorm(int64_t channels, float momentum = 0.1f, float eps = 1e-5f);
  std::string kind() const override { return "batchnorm"; }
  const Tensor& forward(const Tensor& x, const PassContext& ctx) override;
  const Tensor& backward(const Tensor& dy, bool need_dx) override;
  void init_params(const CounterRng& rng) override;
  std::vector<Param*> params() override { return {&scale_, &shift_}; }
  std::vector<StateTensor> state() override;
  Shape output_shape(const Shape& in) const override;
  void sync_batch_statistics(const SumAcrossRanks& sum) override { sum_ranks_ = sum; }

 private:
  // Global mean_ and var_ from every rank's x; returns the global element count per channel.
  double global_statistics(const Tensor& x);

  int64_t channels_;
  float momentum_, eps_;
  Param scale_, shift_;
  Tensor running_mean_, running_var_;
  Tensor mean_, var_;  // batch statistics of the last training forward
  Tensor x_, y_, dx_;
  SumAcrossRanks sum_ranks_;  // empty: statistics of this rank's batch
  double count_ = 0;          // elements per channel behind mean_ and var_
  Tensor sums_, local_dscale_, local_dshift_;
};

}  // namespace latent
