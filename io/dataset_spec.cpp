#include "io/dataset_spec.hpp"

#include "runtime/rng.hpp"

namespace latent {

bool DatasetSpec::keeps_row(int64_t row) const {
  if (part == Part::kAll) return true;
  bool held_out = CounterRng(holdout_seed, kStreamHoldout).uniform(row, 0) < holdout_fraction;
  return held_out == (part == Part::kHoldout);
}

}  // namespace latent
