#pragma once
// A Model owns its networks and optimizers and runs one training step on a batch. The same
// code runs on one process or N ranks: losses scale gradients by 1 / global batch, networks
// sum them over ranks, and per-sample randomness is keyed by global sample index.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/model_config.hpp"
#include "models/network.hpp"

namespace latent {

// Named scalar results of a step or an evaluation.
class Metrics {
 public:
  void set(const std::string& name, double value);
  double get(const std::string& name) const;  // throws when absent
  bool has(const std::string& name) const;
  const std::vector<std::pair<std::string, double>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, double>> items_;
};

// Where a batch sits in the run.
struct BatchInfo {
  uint64_t first_index = 0;  // global index of row 0 (row i is first_index + i)
  int64_t global_batch = 0;  // rows in this step over all ranks
  uint32_t seed = 0;
  float lr_scale = 1.0f;  // warm-up factor on the configured learning rates
  int64_t step = 0;       // updates done before this one (the GAN's D/G phase follows it)
  // Each row's class label, for models that needs_labels() (the classifier); null otherwise.
  const std::vector<int>* labels = nullptr;
};

class Model {
 public:
  virtual ~Model() = default;
  const ModelConfig& config() const { return config_; }
  const std::string& kind() const { return config_.kind; }

  // One update on this rank's batch; metrics are means over the global batch of this rank's
  // part (the trainer averages them over ranks).
  virtual Metrics train_step(const Tensor& batch, const BatchInfo& info) = 0;
  // Sums over the batch (the caller divides by the samples seen); `per_sample` [N] gets each
  // sample's loss (the anomaly score) when given. Inference mode: no update, no dropout.
  virtual Metrics evaluate(const Tensor& batch, const BatchInfo& info, Tensor* per_sample) = 0;
  // Images for the epoch's grid, values in [0, 1], shaped like the data: reconstructions of
  // `batch` (AE, VAE) or new samples (GAN); `out` is resized.
  virtual void reconstruct(const Tensor& batch, const BatchInfo& info, Tensor& out) = 0;
  // New samples from the prior / generator: codes z ~ N(0, I), row i keyed by (seed,
  // first_index + i), decoded; UserError unless samples_from_prior() (VAE, GAN).
  void generate(int64_t n, uint32_t seed, Tensor& out, uint64_t first_index = 0);

  // For the application commands (encode, decode, anomaly, ...). All run in inference mode.
  // Codes of `batch`, resized to (N, latent): the code (AE), μ (VAE); with `logvar` (VAE only,
  // see has_logvar) also log σ². Input is taken as given (a denoising AE does not corrupt it).
  // GAN throws UserError: it has no encoder.
  virtual void encode(const Tensor& batch, Tensor& codes, Tensor* logvar);
  virtual bool has_logvar() const { return false; }
  // Images for codes (N, latent), values in [0, 1], shaped like the data: the decoder (AE,
  // VAE) or the generator (GAN).
  virtual void decode(const Tensor& codes, Tensor& images);
  // Whether decoding codes drawn from N(0, I) makes samples of the data (VAE, GAN): an
  // autoencoder's code space has no such prior.
  virtual bool samples_from_prior() const { return false; }
  // Each sample's anomaly score, resized to (N): its loss under the model, as `evaluate`'s
  // per_sample (reconstruction error for the autoencoders, negative ELBO for the VAE). GAN
  // throws UserError.
  virtual void score(const Tensor& batch, const BatchInfo& info, Tensor& scores);

  // Whether train_step and evaluate need BatchInfo::labels (the classifier).
  virtual bool needs_labels() const { return false; }

  virtual std::vector<Network*> networks() = 0;
  // Data-parallel training: statistics of the global batch that a loss needs (the KL sparsity
  // penalty's mean activation) are summed over ranks with `sum`. Unset: this rank's batch is
  // the global batch.
  void set_rank_sum(SumAcrossRanks sum) { rank_sum_ = std::move(sum); }
  // Every random stream the model draws from: its networks' initialisation (one per layer) and
  // its noise (VAE ε, corruption, GAN z, generation). Tests check that they are all distinct.
  virtual std::vector<StreamId> random_streams();
  // Epochs the trainer runs before the main training (GAN pretraining); 0 for others.
  virtual int pretrain_epochs() const { return 0; }
  virtual Metrics pretrain_step(const Tensor& batch, const BatchInfo& info);

 protected:
  explicit Model(const ModelConfig& c) : config_(c) {}
  // (n, ...sample_shape): the shape of n samples of the data.
  Shape batch_shape(int64_t n) const;
  ModelConfig config_;
  SumAcrossRanks rank_sum_;
};

// Builds the model `config.kind` (validated first).
std::unique_ptr<Model> make_model(const ModelConfig& config, uint32_t seed);

}  // namespace latent
