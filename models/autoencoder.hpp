#pragma once
// Autoencoders: encoder to a code, decoder back, and a reconstruction loss. The kinds `ae`
// (undercomplete), `sparse-ae` (models/sparse_autoencoder.cpp: a penalty on the code) and
// `denoising-ae` (models/denoising_autoencoder.cpp: a corrupted input) are this class with a
// variant:
//   loss per sample = reconstruction (summed over pixels) + penalty
// The L1 penalty λΣ|a| is per sample; the KL penalty is on the batch-mean code activation and
// counted once per batch.
#include "models/model.hpp"
#include "models/reconstruction.hpp"
#include "runtime/noise.hpp"

namespace latent {

struct AutoencoderVariant {
  // The penalty on the code. The encoder ends in the code's activation: ReLU for L1 (exact
  // zeros), sigmoid for KL (rates in (0, 1)), none without a penalty (a linear AE finds the
  // PCA subspace).
  enum class Penalty { kNone, kL1, kKl };
  Penalty penalty = Penalty::kNone;
  NoiseKind noise = NoiseKind::kNone;  // corruption of the input (level: config.corruption)
};

class Autoencoder : public Model,
                    public Encoder,
                    public Decoder,
                    public AnomalyScorer,
                    public Reconstructor {
 public:
  Autoencoder(const ModelConfig& c, uint32_t seed, AutoencoderVariant variant = {});
  Metrics train_step(const Tensor& batch, const BatchInfo& info) override;
  Metrics evaluate(const Tensor& batch, const BatchInfo& info, Tensor* per_sample) override;
  std::vector<Network*> networks() override { return {&encoder_, &decoder_}; }
  std::vector<StreamId> random_streams() override;

  Encoder* as_encoder() override { return this; }
  Decoder* as_decoder() override { return this; }
  AnomalyScorer* as_scorer() override { return this; }
  Reconstructor* as_reconstructor() override { return this; }

  // The code of the last forward pass (for tests).
  const Tensor& encode(const Tensor& batch);
  int64_t code_size() const override { return config_.latent; }
  void encode(const Tensor& batch, Tensor& codes, Tensor* logvar) override;
  void decode(const Tensor& codes, Tensor& images) override;
  void score(const Tensor& batch, const BatchInfo& info, Tensor& scores) override;
  void reconstruct(const Tensor& batch, const BatchInfo& info, Tensor& out) override;

 private:
  // Corrupts the batch for the denoising model; the batch itself otherwise.
  const Tensor& model_input(const Tensor& batch, const BatchInfo& info);
  // The sparsity penalty on the code (0 without one). Training (grad given): the KL penalty's
  // ρ̂ is the mean over the global batch of `global_rows` samples, summed over ranks.
  Scalar penalty(const Tensor& code, Tensor* grad, float grad_scale, int64_t global_rows);

  AutoencoderVariant variant_;
  Network encoder_, decoder_;
  Reconstruction recon_;
  Tensor noisy_, dcode_, mean_code_;
};

}  // namespace latent
