// The `cgan` kind (also `--model gan --conditional`): a GAN whose generator takes the class with
// z and whose discriminator judges an image together with its class (models/conditioning.hpp),
// so it learns to tell a sample of the wrong class from a real one. The fakes of a step take the
// classes of the real batch beside them. Its options are the GAN's and the class count.
#include "models/class_conditioned_model.hpp"
#include "models/gan.hpp"
#include "models/kinds.hpp"

namespace latent {

const std::vector<ModelOption>& conditional_gan_options() {
  static const std::vector<ModelOption> options = [] {
    std::vector<ModelOption> o = gan_options();
    o.push_back(num_classes_option());
    return o;
  }();
  return options;
}

void validate_conditional_gan(const ModelConfig& c) {
  validate_gan(c);
  validate_num_classes(c);
}

std::unique_ptr<Model> make_conditional_gan(const ModelConfig& c, uint32_t seed) {
  return std::make_unique<ClassConditionedModel<Gan>>(c, seed);
}

}  // namespace latent
