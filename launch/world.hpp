#pragma once
// The job's communicator, made on first use: MPI under mpirun / srun, a single process
// otherwise. main() uses it to end every rank when one fails.
#include "runtime/communicator.hpp"

namespace latent {

Communicator& world();
// Null until world() was first called.
Communicator* world_if_started();

}  // namespace latent
