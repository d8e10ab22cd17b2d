// The `denoising-ae` kind: an autoencoder (models/autoencoder.hpp) that reconstructs the clean
// sample from a corrupted one. The corruption (Gaussian noise, masking, salt-and-pepper) of each
// sample is keyed by its global index, so it is the same for any rank count.
#include "models/autoencoder.hpp"
#include "models/kinds.hpp"
#include "models/option_values.hpp"

namespace latent {

const std::vector<ModelOption>& denoising_autoencoder_options() {
  static const std::vector<ModelOption> options = {
      recon_option(),
      lr_option(),
      {"noise", "gaussian", "corruption: gaussian | masking | salt-pepper",
       [](ModelConfig& c, const std::string& v) { c.corruption.noise = v; }},
      {"noise-level", "0.3", "σ (gaussian) or probability (masking, salt-pepper)",
       [](ModelConfig& c, const std::string& v) {
         c.corruption.level = option_float("noise-level", v);
       }},
  };
  return options;
}

void validate_denoising_autoencoder(const ModelConfig& c) {
  validate_recon_and_lr(c);
  const CorruptionOptions& n = c.corruption;
  require_option(n.noise == "gaussian" || n.noise == "masking" || n.noise == "salt-pepper", "noise",
                 n.noise, "gaussian, masking or salt-pepper");
  require_option(n.level >= 0 && (n.noise == "gaussian" || n.level <= 1), "noise-level",
                 std::to_string(n.level),
                 "a level >= 0 (a probability <= 1 for masking/salt-pepper)");
}

std::unique_ptr<Model> make_denoising_autoencoder(const ModelConfig& c, uint32_t seed) {
  AutoencoderVariant v;
  v.noise = parse_noise(c.corruption.noise);
  return std::make_unique<Autoencoder>(c, seed, v);
}

}  // namespace latent
