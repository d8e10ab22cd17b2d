#pragma once
// Named scalar results of a step or an evaluation, in the order they were set. A value may be
// pending on the GPU (runtime/scalar.hpp) until get() or Scalar::value() reads it.
#include <string>
#include <utility>
#include <vector>

#include "runtime/scalar.hpp"

namespace latent {

class Metrics {
 public:
  void set(const std::string& name, const Scalar& value);
  double get(const std::string& name) const;  // reads it; throws when absent
  bool has(const std::string& name) const;
  const std::vector<std::pair<std::string, Scalar>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, Scalar>> items_;
};

}  // namespace latent
