#pragma once
// Named scalar results of a step or an evaluation, in the order they were set.
#include <string>
#include <utility>
#include <vector>

namespace latent {

class Metrics {
 public:
  void set(const std::string& name, double value);
  double get(const std::string& name) const;  // throws when absent
  bool has(const std::string& name) const;
  const std::vector<std::pair<std::string, double>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, double>> items_;
};

}  // namespace latent
