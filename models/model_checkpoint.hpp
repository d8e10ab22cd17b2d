#pragma once
// Saving and restoring a model with its training position (DESIGN "Files on disk"):
//   /meta                      model, arch, config (resolved INI text), step, epoch, world_size,
//                              seed, sample_shape
//   /params/<net>/<layer>/<p>  parameters and batch-norm running statistics
//   /optim/<net>/<state>       optimizer state over the flat store (m, v, momentum, step)
//   /rng/seed, /rng/position   the counter-based RNG's key and the next step: all randomness
//                              is derived from these, so resuming continues the same streams
#include <string>

#include "models/model.hpp"

namespace latent {

struct TrainingPosition {
  int64_t step = 0;   // updates done
  int64_t epoch = 0;  // epoch the next update belongs to
  int64_t step_in_epoch = 0;
  uint32_t seed = 0;
  int world_size = 1;
};

// Written to a temporary file and renamed: a crash never leaves a broken checkpoint.
void save_checkpoint(Model& model, const std::string& path, const std::string& config_text,
                     const TrainingPosition& position);

// Restores parameters, running statistics and optimizer state into `model` (built from the
// same config); UserError naming the file and what differs when it does not fit.
TrainingPosition load_checkpoint(Model& model, const std::string& path);

// The resolved config text stored in a checkpoint (to rebuild its model).
std::string checkpoint_config_text(const std::string& path);
// The world size of the run that wrote it (its global batch is world size × batch).
int checkpoint_world_size(const std::string& path);

}  // namespace latent
