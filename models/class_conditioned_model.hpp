#pragma once
// The conditional kind of a model that can take the class (Vae, Gan: they hold a Conditioning
// when made with one): the same model made with one, offering ClassConditioned. cvae and cgan
// are `ClassConditionedModel<Vae>` and `ClassConditionedModel<Gan>`.
#include <memory>
#include <vector>

#include "models/capabilities.hpp"
#include "models/conditioning.hpp"
#include "models/model_config.hpp"

namespace latent {

template <class Base>
class ClassConditionedModel : public Base, public ClassConditioned {
 public:
  ClassConditionedModel(const ModelConfig& c, uint32_t seed)
      : Base(c, seed, std::make_unique<Conditioning>(c.num_classes, c.device)) {}
  ClassConditioned* as_conditioned() override { return this; }
  int64_t classes() const override { return this->conditioning_->classes(); }
  void set_classes(const std::vector<int>& labels, uint64_t first_index) override {
    this->conditioning_->set_labels(labels, first_index);
  }
};

}  // namespace latent
