// The `cvae` kind (also `--model vae --conditional`): a VAE whose encoder and decoder both take
// the class (models/conditioning.hpp), q(z | x, y) and p(x | z, y). Generation asks for a class:
// the decoder draws a sample of it from z ~ N(0, I). Its options are the VAE's and the class
// count; it trains on the data's labels.
#include "models/class_conditioned_model.hpp"
#include "models/kinds.hpp"
#include "models/option_values.hpp"
#include "models/vae.hpp"

namespace latent {

const std::vector<ModelOption>& conditional_vae_options() {
  static const std::vector<ModelOption> options = [] {
    std::vector<ModelOption> o = vae_options();
    o.push_back(num_classes_option());
    return o;
  }();
  return options;
}

void validate_conditional_vae(const ModelConfig& c) {
  validate_vae(c);
  validate_num_classes(c);
}

std::unique_ptr<Model> make_conditional_vae(const ModelConfig& c, uint32_t seed) {
  return std::make_unique<ClassConditionedModel<Vae>>(c, seed);
}

}  // namespace latent
