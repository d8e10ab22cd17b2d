#pragma once
// While one lives, the networks of a model that keep a moving average of their weights
// (--ema-half-life) compute with the average instead; their own weights come back with its end.
// Generation from the EMA weights: the epoch grids' samples_ema, and `generate`, `score`,
// `interpolate` and `decode` (--weights ema, their default when a checkpoint keeps one).
#include "models/model.hpp"

namespace latent {

class AverageWeights {
 public:
  explicit AverageWeights(Model& model);
  ~AverageWeights();
  AverageWeights(const AverageWeights&) = delete;
  AverageWeights& operator=(const AverageWeights&) = delete;
  // Whether any network keeps an average (else nothing changed).
  bool any() const { return any_; }

 private:
  Model& model_;
  bool any_ = false;
};

}  // namespace latent
