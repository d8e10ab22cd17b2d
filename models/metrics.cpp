#include "models/metrics.hpp"

#include <stdexcept>

namespace latent {

void Metrics::set(const std::string& name, const Scalar& value) {
  for (auto& [k, v] : items_)
    if (k == name) {
      v = value;
      return;
    }
  items_.emplace_back(name, value);
}

double Metrics::get(const std::string& name) const {
  for (auto& [k, v] : items_)
    if (k == name) return v.value();
  throw std::out_of_range("metric '" + name + "' not reported");
}

bool Metrics::has(const std::string& name) const {
  for (auto& item : items_)
    if (item.first == name) return true;
  return false;
}

}  // namespace latent
