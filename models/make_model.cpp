#include "models/autoencoder.hpp"
#include "models/classifier.hpp"
#include "models/gan.hpp"
#include "models/vae.hpp"
#include "runtime/error.hpp"
#include "runtime/rng.hpp"

namespace latent {

void Metrics::set(const std::string& name, double value) {
  for (auto& [k, v] : items_)
    if (k == name) {
      v = value;
      return;
    }
  items_.emplace_back(name, value);
}

double Metrics::get(const std::string& name) const {
  for (auto& [k, v] : items_)
    if (k == name) return v;
  throw std::out_of_range("metric '" + name + "' not reported");
}

bool Metrics::has(const std::string& name) const {
  for (auto& item : items_)
    if (item.first == name) return true;
  return false;
}

void Model::generate(int64_t n, uint32_t seed, Tensor& out, uint64_t first_index) {
  if (!samples_from_prior())
    throw UserError("model " + kind() + " cannot generate samples (only vae and gan can)");
  Tensor z(Shape{n, config_.latent}, config_.device);
  CounterRng(seed, kStreamGenerate).fill_normal(z, first_index);
  decode(z, out);
}

Metrics Model::pretrain_step(const Tensor&, const BatchInfo&) {
  throw UserError("model " + kind() + " has no pretraining phase");
}

std::unique_ptr<Model> make_model(const ModelConfig& config, uint32_t seed) {
  validate(config);
  if (config.kind == "vae") return std::make_unique<Vae>(config, seed);
  if (config.kind == "gan") return std::make_unique<Gan>(config, seed);
  if (config.kind == "classifier") return std::make_unique<Classifier>(config, seed);
  return std::make_unique<Autoencoder>(config, seed);
}

}  // namespace latent
