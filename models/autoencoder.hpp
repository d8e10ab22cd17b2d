#pragma once
// Autoencoders: undercomplete (`ae`), sparse (`sparse-ae`: L1 or Bernoulli-KL penalty on the
// code) and denoising (`denoising-ae`: corrupt the input, reconstruct the clean one).
//   loss per sample = reconstruction (summed over pixels) + penalty
// The L1 penalty λΣ|a| is per sample; the KL penalty is on the batch-mean code activation and
// counted once per batch.
#include "models/model.hpp"
#include "models/reconstruction.hpp"
#include "runtime/noise.hpp"

namespace latent {

class Autoencoder : public Model {
 public:
  Autoencoder(const ModelConfig& c, uint32_t seed);
  Metrics train_step(const Tensor& batch, const BatchInfo& info) override;
  Metrics evaluate(const Tensor& batch, const BatchInfo& info, Tensor* per_sample) override;
  void reconstruct(const Tensor& batch, const BatchInfo& info, Tensor& out) override;
  std::vector<Network*> networks() override { return {&encoder_, &decoder_}; }
  std::vector<StreamId> random_streams() override;

  // The code of the last forward pass (for tests and `latent encode`).
  const Tensor& encode(const Tensor& batch);
  void encode(const Tensor& batch, Tensor& codes, Tensor* logvar) override;
  void decode(const Tensor& codes, Tensor& images) override;

 private:
  // Corrupts the batch for the denoising model; the batch itself otherwise.
  const Tensor& model_input(const Tensor& batch, const BatchInfo& info);
  // The sparsity penalty on the code (0 for the other kinds). Training (grad given): the KL
  // penalty's ρ̂ is the mean over the global batch of `global_rows` samples, summed over ranks.
  double penalty(const Tensor& code, Tensor* grad, float grad_scale, int64_t global_rows);

  Network encoder_, decoder_;
  Reconstruction recon_;
  NoiseKind noise_;
  Tensor noisy_, dcode_, mean_code_;
};

}  // namespace latent
