#pragma once
// The MPI communicator of the mpi_tests binary (started by mpirun from ctest).
#include "runtime/communicator.hpp"

namespace latent::testing {
Communicator& mpi_world();
}
