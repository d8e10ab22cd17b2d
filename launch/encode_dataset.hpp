#pragma once
// The work of `latent encode`, shared with `latent plot-latent`: the code of every sample of a
// dataset, each rank on its shard, into one file (/latent (N, K), /logvar for a VAE, /labels
// copied).
#include <string>

#include "io/dataset_spec.hpp"
#include "models/model.hpp"
#include "runtime/communicator.hpp"

namespace latent {

// Returns the samples written (on rank 0).
int64_t encode_dataset(const std::string& command, Model& model, const DatasetSpec& spec,
                       const std::string& out, int64_t batch, Communicator& comm);

}  // namespace latent
