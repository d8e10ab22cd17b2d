#pragma once
// A Model owns its networks and optimizers and runs one training step on a batch. The same
// code runs on one process or N ranks: losses scale gradients by 1 / global batch, networks
// sum them over ranks, and per-sample randomness is keyed by global sample index.
//
// What a model can do besides training it offers as capabilities (models/capabilities.hpp):
// as_encoder() and the others return null when it has none. Its kind's row in
// models/model_kinds.hpp names it, lists its options and traits, and makes it.
#include <memory>
#include <string>
#include <vector>

#include "models/capabilities.hpp"
#include "models/metrics.hpp"
#include "models/model_config.hpp"
#include "models/network.hpp"

namespace latent {

// Where a batch sits in the run.
struct BatchInfo {
  uint64_t first_index = 0;  // global index of row 0 (row i is first_index + i)
  int64_t global_batch = 0;  // rows in this step over all ranks
  uint32_t seed = 0;
  float lr_scale = 1.0f;  // warm-up factor on the configured learning rates
  int64_t step = 0;       // updates done before this one (the GAN's D/G phase follows it)
  // Each row's class label, for kinds whose trait needs_labels is set; null otherwise.
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

  virtual std::vector<Network*> networks() = 0;
  // Every random stream the model draws from: its networks' initialisation (one per layer) and
  // its noise (VAE ε, corruption, GAN z, generation). Tests check that they are all distinct.
  virtual std::vector<StreamId> random_streams();
  // Data-parallel training: statistics of the global batch that a loss needs (the KL sparsity
  // penalty's mean activation) are summed over ranks with `sum`. Unset: this rank's batch is
  // the global batch.
  void set_rank_sum(SumAcrossRanks sum) { rank_sum_ = std::move(sum); }

  // Capabilities: null when the model has none.
  virtual Encoder* as_encoder() { return nullptr; }
  virtual Decoder* as_decoder() { return nullptr; }
  virtual Generator* as_generator() { return nullptr; }
  virtual AnomalyScorer* as_scorer() { return nullptr; }
  virtual LabelClassifier* as_classifier() { return nullptr; }
  virtual LikelihoodBound* as_likelihood_bound() { return nullptr; }
  virtual Reconstructor* as_reconstructor() { return nullptr; }
  virtual Pretrainer* as_pretrainer() { return nullptr; }
  virtual ClassConditioned* as_conditioned() { return nullptr; }

 protected:
  explicit Model(const ModelConfig& c) : config_(c) {}
  // (n, ...sample_shape): the shape of n samples of the data.
  Shape batch_shape(int64_t n) const;
  ModelConfig config_;
  SumAcrossRanks rank_sum_;
};

// Draws n codes z ~ N(0, I) of `code_size`, row i keyed by (seed, first_index + i) on the
// generation stream, and decodes them: the Generator of the models with a prior (VAE, GAN).
void generate_from_prior(Decoder& decoder, Device device, int64_t n, uint32_t seed, Tensor& out,
                         uint64_t first_index);

// Builds the model `config.kind` (validated first): its row of the kinds table makes it.
std::unique_ptr<Model> make_model(const ModelConfig& config, uint32_t seed);

}  // namespace latent
