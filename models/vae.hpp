#pragma once
// Variational autoencoder. The encoder outputs [μ | log σ²]; z = μ + σ·ε with ε ~ N(0, 1)
// drawn from the counter-based RNG keyed by the global sample index (reparameterization: ε is
// an input, so gradients reach μ and σ). Loss per sample, in nats:
//   reconstruction (summed over pixels) + β · KL(N(μ, σ²) ‖ N(0, 1)).
#include <memory>

#include "models/conditioning.hpp"
#include "models/model.hpp"
#include "models/reconstruction.hpp"

namespace latent {

class Vae : public Model,
            public Encoder,
            public Decoder,
            public Generator,
            public AnomalyScorer,
            public LikelihoodBound,
            public Reconstructor {
 public:
  Vae(const ModelConfig& c, uint32_t seed);
  Metrics train_step(const Tensor& batch, const BatchInfo& info) override;
  Metrics evaluate(const Tensor& batch, const BatchInfo& info, Tensor* per_sample) override;
  void reconstruct(const Tensor& batch, const BatchInfo& info, Tensor& out) override;
  std::vector<Network*> networks() override { return {&encoder_, &decoder_}; }
  std::vector<StreamId> random_streams() override;

  Encoder* as_encoder() override { return this; }
  Decoder* as_decoder() override { return this; }
  Generator* as_generator() override { return this; }
  AnomalyScorer* as_scorer() override { return this; }
  LikelihoodBound* as_likelihood_bound() override { return this; }
  Reconstructor* as_reconstructor() override { return this; }

  // μ and log σ² of the last encode.
  void encode(const Tensor& batch, bool train, const BatchInfo& info);
  const Tensor& mu() const { return mu_; }
  const Tensor& logvar() const { return logvar_; }
  // Decoder output (logits or values) for codes z.
  const Tensor& decode(const Tensor& z);
  int64_t code_size() const override { return config_.latent; }
  void encode(const Tensor& batch, Tensor& codes, Tensor* logvar) override;
  bool has_logvar() const override { return true; }
  void decode(const Tensor& codes, Tensor& images) override;
  void generate(int64_t n, uint32_t seed, Tensor& out, uint64_t first_index = 0) override {
    generate_from_prior(*this, config_.device, n, seed, out, first_index);
  }
  // The negative ELBO of each sample (evaluate's per-sample loss).
  void score(const Tensor& batch, const BatchInfo& info, Tensor& scores) override;

  // Σ over the batch of the importance-weighted bound on log p(x) with k draws per sample
  // (models/vae_importance.cpp; k = 1: the ELBO, estimated with one draw), in nats; each
  // sample's bound into `per_sample` [N] when given. Inference mode.
  Scalar importance_weighted_bound(const Tensor& batch, const BatchInfo& info, int64_t k,
                                   Tensor* per_sample = nullptr) override;
  // The stream of the bound's draws (keyed by (sample index)·k + draw).
  static StreamId importance_stream();

 protected:
  // The conditional VAE (models/conditional_vae.cpp): `conditioning` joins the class to both
  // networks' inputs; null is the plain VAE.
  Vae(const ModelConfig& c, uint32_t seed, std::unique_ptr<Conditioning> conditioning);
  std::unique_ptr<Conditioning> conditioning_;

 private:
  // What each network reads: the batch or z, or either with the rows' classes joined.
  const Tensor& encoder_input(const Tensor& batch, const BatchInfo& info);
  const Tensor& decoder_input(const Tensor& z);
  // The decoder's input gradient, less its classes' part.
  const Tensor& code_gradient(const Tensor& dinput);
  // Forward through encoder, sampling and decoder; returns Σ recon and Σ KL.
  std::pair<Scalar, Scalar> forward_losses(const Tensor& batch, const BatchInfo& info, bool train,
                                           float grad_scale, Tensor* per_sample);

  Network encoder_, decoder_;
  Reconstruction recon_;
  GaussianKl kl_;
  Tensor mu_, logvar_, sigma_, eps_, z_;
  Tensor dmu_, dlogvar_, dh_, tmp_, kl_per_sample_;
  Tensor iw_mu_, iw_logvar_, iw_sigma_, iw_eps_, iw_z_, iw_x_, iw_recon_;
  Tensor encoder_joint_, decoder_joint_, dz_;  // the conditional VAE's
};

}  // namespace latent
