#pragma once
// Saving and restoring a model with its training position (DESIGN "Files on disk"):
//   /meta                      model, arch, config (resolved INI text), step, epoch, world_size,
//                              seed, sample_shape; the training file's identity (data_samples,
//                              data_sample_shape, data_type, data_fingerprint, data_path) and
//                              init_from (the checkpoint whose weights started the run)
//   /params/<net>/<layer>/<p>  parameters and batch-norm running statistics
//   /optim/<net>/<state>       optimizer state over the flat store (m, v, momentum, step)
//   /rng/seed, /rng/position   the counter-based RNG's key and the next step: all randomness
//                              is derived from these, so resuming continues the same streams
#include <string>

#include "io/data_identity.hpp"
#include "models/model.hpp"

namespace latent {

struct TrainingPosition {
  int64_t step = 0;   // updates done
  int64_t epoch = 0;  // epoch the next update belongs to
  int64_t step_in_epoch = 0;
  uint32_t seed = 0;
  int world_size = 1;
};

// Where a run's weights and data came from.
struct RunOrigin {
  DataIdentity data;      // the training file
  std::string data_path;  // as given (for the user: a moved file has another)
  std::string init_from;  // the checkpoint whose weights started the run; empty: none
};

// Written to a temporary file and renamed: a crash never leaves a broken checkpoint.
void save_checkpoint(Model& model, const std::string& path, const std::string& config_text,
                     const TrainingPosition& position, const RunOrigin& origin = {});

// Restores parameters, running statistics and optimizer state into `model` (built from the
// same config); UserError naming the file and what differs when it does not fit.
TrainingPosition load_checkpoint(Model& model, const std::string& path);

// Only the weights (parameters and batch-norm statistics) of a checkpoint of the same kind,
// architecture and sample shape: a new run starts from them (--init-from), with its own
// optimizer state, step 0 and data.
void load_weights(Model& model, const std::string& path);

// Bytes a checkpoint of `model` will take on disk, a little over: its tensors, their HDF5
// metadata, the config text and the seal.
int64_t checkpoint_bytes_estimate(Model& model, const std::string& config_text);

// The training file a checkpoint was written on; not known() for checkpoints older than this.
RunOrigin checkpoint_origin(const std::string& path);

// The resolved config text stored in a checkpoint (to rebuild its model).
std::string checkpoint_config_text(const std::string& path);
// The world size of the run that wrote it (its global batch is world size × batch).
int checkpoint_world_size(const std::string& path);

}  // namespace latent
