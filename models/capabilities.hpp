#pragma once
// What a model can do besides training, as small interfaces that a model offers or not:
// Model::as_encoder() and the like return null for a model without the capability. Commands ask
// for the one they need (launch/app_driver.hpp) and refuse a model without it by name; the kinds
// table (models/model_kinds.hpp) says which kinds offer which, and a test checks that they agree.
#include <cstdint>
#include <vector>

#include "models/metrics.hpp"
#include "runtime/tensor.hpp"

namespace latent {

struct BatchInfo;

// Data to codes: the code (autoencoders) or μ (VAE), and log σ² where the model has one.
class Encoder {
 public:
  virtual ~Encoder() = default;
  virtual int64_t code_size() const = 0;
  virtual bool has_logvar() const { return false; }
  // Inference. `codes` resized to (N, code_size()); `logvar` too, when given and has_logvar().
  // The input is taken as given (a denoising autoencoder does not corrupt it).
  virtual void encode(const Tensor& batch, Tensor& codes, Tensor* logvar) = 0;
};

// Codes to images: values in [0, 1] shaped like the data (a decoder or a generator).
class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual int64_t code_size() const = 0;
  virtual void decode(const Tensor& codes, Tensor& images) = 0;
};

// New samples: codes z ~ N(0, I), row i keyed by (seed, first_index + i), decoded.
class Generator {
 public:
  virtual ~Generator() = default;
  virtual void generate(int64_t n, uint32_t seed, Tensor& out, uint64_t first_index = 0) = 0;
};

// Each sample's anomaly score, its loss under the model: higher is more anomalous. `scores`
// resized to (N).
class AnomalyScorer {
 public:
  virtual ~AnomalyScorer() = default;
  virtual void score(const Tensor& batch, const BatchInfo& info, Tensor& scores) = 0;
};

// A classifier's verdicts and the features they come from.
class LabelClassifier {
 public:
  virtual ~LabelClassifier() = default;
  virtual int64_t classes() const = 0;
  virtual int64_t feature_size() const = 0;
  // Inference: the penultimate layer's features (N, feature_size()), and the logits (N, classes)
  // when asked.
  virtual void features(const Tensor& batch, Tensor& features, Tensor* logits) = 0;
  // Inference: each row's predicted class (N), as floats.
  virtual void predict(const Tensor& batch, Tensor& classes) = 0;
};

// The importance-weighted bound on log p(x) (Burda et al.).
class LikelihoodBound {
 public:
  virtual ~LikelihoodBound() = default;
  // Σ over the batch of the bound with k draws per sample, in nats; each sample's into
  // `per_sample` (N) when given. Inference.
  virtual Scalar importance_weighted_bound(const Tensor& batch, const BatchInfo& info, int64_t k,
                                           Tensor* per_sample = nullptr) = 0;
};

// Reconstructions of a batch, values in [0, 1] shaped like it: the epoch grids' pairs.
class Reconstructor {
 public:
  virtual ~Reconstructor() = default;
  virtual void reconstruct(const Tensor& batch, const BatchInfo& info, Tensor& out) = 0;
};

// A model that takes the class as an input of its networks (cvae, cgan): the classes of the rows
// of the next encode, decode, generate or reconstruct calls (training and evaluation take them
// from BatchInfo::labels).
class ClassConditioned {
 public:
  virtual ~ClassConditioned() = default;
  virtual int64_t classes() const = 0;
  // UserError naming the row (first_index + i) of a label that is no class.
  virtual void set_classes(const std::vector<int>& labels, uint64_t first_index = 0) = 0;
};

// A phase the trainer runs before the main training (a GAN's generator trained first as an
// autoencoder's decoder).
class Pretrainer {
 public:
  virtual ~Pretrainer() = default;
  virtual int pretrain_epochs() const = 0;
  virtual Metrics pretrain_step(const Tensor& batch, const BatchInfo& info) = 0;
};

}  // namespace latent
