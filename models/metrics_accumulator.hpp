#pragma once
// Sums metrics over steps (or samples) and averages them over ranks at log time. Values stay
// pending (runtime/scalar.hpp) until reduce(), which reads them all at once.
#include <string>
#include <vector>

#include "models/model.hpp"
#include "runtime/communicator.hpp"

namespace latent {

class MetricsAccumulator {
 public:
  // Adds m's values, which are sums over `weight` units: 1 step for a train step's means, the
  // batch's rows for evaluate()'s sums.
  void add(const Metrics& m, double weight = 1.0);
  // Global means: Σ over ranks of sums / Σ over ranks of weights. Every rank must call it at
  // the same point with the same metric names (they run the same code).
  Metrics reduce(Communicator& comm);
  void clear();
  bool empty() const { return names_.empty(); }

 private:
  std::vector<std::string> names_;
  std::vector<std::vector<Scalar>> terms_;  // per name, in the order added
  std::vector<double> weights_;
};

}  // namespace latent
