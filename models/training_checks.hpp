#pragma once
// What the trainer refuses as it goes, each with one message that leads to the fix: a diverged
// run (a loss or a parameter that is not finite) and data outside [0, 1] for a model whose
// output lives there.
#include <cstdint>
#include <string>

#include "io/dataset_spec.hpp"
#include "models/model.hpp"
#include "models/model_kinds.hpp"

namespace latent {

// UserError "training diverged: <metric> is nan at step S (epoch E); lower --lr ...".
void expect_finite_metrics(const Metrics& m, int64_t step, int64_t epoch);
// UserError naming the network whose parameters are not finite.
void expect_finite_parameters(Model& model, int64_t step);

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
