#pragma once
// What the trainer refuses as it goes, each with one message that leads to the fix: a diverged
// run (a loss or a parameter that is not finite) and data outside [0, 1] for a model whose
// output lives there.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "io/dataset_spec.hpp"
#include "models/model.hpp"
#include "models/model_kinds.hpp"

namespace latent {

// UserError "training diverged: <metric> is nan at step S (epoch E); lower --lr ...". Reads the
// metrics: the trainer calls it at a log, for every step since the last one.
void expect_finite_metrics(const Metrics& m, int64_t step, int64_t epoch);

// Counts each network's non-finite parameters when made, pending (read with the step metrics of
// the same log, one wait on a GPU); expect() throws a UserError naming a network with any.
class FiniteParameterCheck {
 public:
  explicit FiniteParameterCheck(Model& model);
  void expect(int64_t step) const;

 private:
  std::vector<std::pair<std::string, Scalar>> nonfinite_;  // per network
};

// Data outside [0, 1] trains to nonsense (a bce loss of 1e28) rather than failing, for models
// whose output is a probability: it is refused by name. The check reads the batch as the
// dataset made it, in host memory, in one vectorized pass.
class UnitIntervalCheck {
 public:
  UnitIntervalCheck(const ModelConfig& config, const ModelTraits& traits);
  bool active() const { return !why_.empty(); }
  // UserError naming the file, dataset, sample and value, and what to do.
  void check(const Tensor& images, const DatasetSpec& spec, uint64_t first) const;

 private:
  std::string why_;  // what expects [0, 1] ("--recon bce"); empty: nothing does
};

}  // namespace latent
