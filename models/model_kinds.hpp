#pragma once
// The kinds of model, one row each (in the spirit of launch/main.cpp's subcommand table): its
// name and what it is, its options, how it is checked and made, and what it can do. Everything
// else reads the table: `--model`'s help and values, the option parser (which options apply to
// which kind, their defaults, Adam's β1 default), `make_model`, the trainer (labels, grids, the
// [0, 1] data check, pretraining) and the commands (which kinds can encode, generate, ...).
// Nothing outside a kind's own file and this table compares a kind by its name.
//
// A new kind is its file (the model class, its options and validation, its make function), its
// row in models/model_kinds.cpp, and its tests (README "How to extend").
#include <memory>
#include <string>
#include <vector>

#include "models/model.hpp"

namespace latent {

// Whether the data must lie in [0, 1].
enum class UnitData {
  kNever,
  kWithBce,  // when --recon bce (the reconstruction is a Bernoulli likelihood on logits)
  kAlways,   // the model's output is a sigmoid's (a GAN's generator)
};

// What a kind is and can do. The table sets them with the builders below:
// ModelTraits().encodes().decodes().scores_anomalies().
struct ModelTraits {
  bool needs_labels = false;  // trains on the data's labels (--labels-dataset)
  bool draws_images = true;   // epoch grids: reconstructions and/or samples
  UnitData unit_data = UnitData::kWithBce;
  bool can_encode = false;            // Encoder: data to codes
  bool can_decode = false;            // Decoder: codes to images
  bool can_generate = false;          // Generator: samples from a prior
  bool has_anomaly_score = false;     // AnomalyScorer: a per-sample loss
  bool has_likelihood_bound = false;  // LikelihoodBound: the importance-weighted bound
  bool can_classify = false;          // LabelClassifier
  bool is_conditional = false;        // takes the class as input to its networks
  float adam_beta1 = 0.9f;            // what `--adam-beta1 auto` means for the kind

  ModelTraits trains_on_labels() const { return with(&ModelTraits::needs_labels, true); }
  ModelTraits draws_no_images() const { return with(&ModelTraits::draws_images, false); }
  ModelTraits data_in_unit_interval(UnitData u) const {
    ModelTraits t = *this;
    t.unit_data = u;
    return t;
  }
  ModelTraits encodes() const { return with(&ModelTraits::can_encode, true); }
  ModelTraits decodes() const { return with(&ModelTraits::can_decode, true); }
  ModelTraits generates() const { return with(&ModelTraits::can_generate, true); }
  ModelTraits scores_anomalies() const { return with(&ModelTraits::has_anomaly_score, true); }
  ModelTraits bounds_likelihood() const { return with(&ModelTraits::has_likelihood_bound, true); }
  ModelTraits classifies() const { return with(&ModelTraits::can_classify, true); }
  ModelTraits conditional() const { return with(&ModelTraits::is_conditional, true); }
  ModelTraits adam_beta1_default(float beta1) const {
    ModelTraits t = *this;
    t.adam_beta1 = beta1;
    return t;
  }

 private:
  ModelTraits with(bool ModelTraits::*trait, bool value) const {
    ModelTraits t = *this;
    t.*trait = value;
    return t;
  }
};

// One option of the train command that shapes a model: its name, default and help (the rows of
// the option table), and how its value (text) sets the config. `apply` throws UserError naming
// the option when the text is no value of its type.
struct ModelOption {
  const char* name;
  const char* default_value;
  const char* help;
  void (*apply)(ModelConfig& config, const std::string& value);
};

struct ModelKind {
  const char* name;
  const char* summary;  // one line: what it is and what it is for
  // The kind's own options (the ones every kind has: shared_model_options()).
  const std::vector<ModelOption>& (*options)();
  // UserError naming the first of the kind's options out of range (the shared ones are checked
  // before).
  void (*validate)(const ModelConfig& config);
  std::unique_ptr<Model> (*make)(const ModelConfig& config, uint32_t seed);
  ModelTraits traits;
  // The kind that `--model NAME --conditional` means (vae: cvae); null: none.
  const char* conditional_variant = nullptr;
};

const std::vector<ModelKind>& model_kinds();
// The row of `name`; UserError "--model X: expected ae, sparse-ae, ... or classifier".
const ModelKind& model_kind(const std::string& name);
// "ae | sparse-ae | ... | classifier", for help texts.
std::string model_kind_names(const char* separator = " | ");
// The kinds that have a trait, in words: "ae, sparse-ae, denoising-ae and vae".
std::string kinds_with(bool ModelTraits::*trait);

// The options every kind has: the networks (arch, hidden, conv-widths, latent, activation) and
// the optimizer.
const std::vector<ModelOption>& shared_model_options();
// Every option of `kind`: the shared ones, then its own.
std::vector<ModelOption> options_of(const ModelKind& kind);
// Whether `name` is one of the options of any kind (the parser knows them all: a stored config
// of an older latent lists every option).
bool is_model_option(const std::string& name);

// Checks a whole config: the shared options, the model's size against the machine's memory,
// then the kind's own (UserError naming the option and value).
void validate(const ModelConfig& c);

}  // namespace latent
