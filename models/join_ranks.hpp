#pragma once
// What makes one model data-parallel before its first step, in order: every rank holds the same
// configuration, rank 0's state (parameters, batch-norm statistics, optimizer state and step
// count) is every rank's, each network's gradients are summed over the ranks from then on, and
// the losses' global-batch statistics too. Collective; nothing to do on one process.
#include <string>

#include "models/model.hpp"
#include "models/trainer.hpp"
#include "runtime/communicator.hpp"

namespace latent {

void join_ranks(Model& model, Communicator& comm, const TrainOptions& options,
                const std::string& config_text);

}  // namespace latent
