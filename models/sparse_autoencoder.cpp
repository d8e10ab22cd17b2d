// The `sparse-ae` kind: an autoencoder (models/autoencoder.hpp) whose code may be wider than the
// input, with a penalty on the code's activations: L1 (λ Σ|a|, per sample) or the Bernoulli KL
// between the target rate ρ and each unit's mean activation ρ̂ over the global batch,
// w Σ_j ρ log(ρ/ρ̂_j) + (1-ρ) log((1-ρ)/(1-ρ̂_j)), once per batch.
#include "models/autoencoder.hpp"
#include "models/kinds.hpp"
#include "models/option_values.hpp"

namespace latent {

const std::vector<ModelOption>& sparse_autoencoder_options() {
  static const std::vector<ModelOption> options = {
      recon_option(),
      lr_option(),
      {"sparsity", "l1", "penalty: l1 (λ Σ|a|) | kl (Bernoulli KL to the target rate)",
       [](ModelConfig& c, const std::string& v) { c.sparsity.penalty = v; }},
      {"sparsity-weight", "0.001", "λ (l1) or w (kl)",
       [](ModelConfig& c, const std::string& v) {
         c.sparsity.weight = option_float("sparsity-weight", v);
       }},
      {"sparsity-target", "0.05", "kl: target rate ρ",
       [](ModelConfig& c, const std::string& v) {
         c.sparsity.target = option_float("sparsity-target", v);
       }},
  };
  return options;
}

void validate_sparse_autoencoder(const ModelConfig& c) {
  validate_recon_and_lr(c);
  const SparsityOptions& s = c.sparsity;
  require_option(s.penalty == "l1" || s.penalty == "kl", "sparsity", s.penalty, "l1 or kl");
  require_option(s.weight >= 0, "sparsity-weight", std::to_string(s.weight), ">= 0");
  require_option(s.target > 0 && s.target < 1, "sparsity-target", std::to_string(s.target),
                 "a rate in (0, 1)");
}

std::unique_ptr<Model> make_sparse_autoencoder(const ModelConfig& c, uint32_t seed) {
  AutoencoderVariant v;
  v.penalty = c.sparsity.penalty == "kl" ? AutoencoderVariant::Penalty::kKl
                                         : AutoencoderVariant::Penalty::kL1;
  return std::make_unique<Autoencoder>(c, seed, v);
}

}  // namespace latent
