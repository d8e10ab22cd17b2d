// mpi_tests: GoogleTest under mpirun. Every rank runs every test; a failure on any rank makes
// that rank's exit status non-zero, and mpirun reports it.
#include <gtest/gtest.h>

#include <memory>

#include "mpi_world.hpp"
#include "runtime/threads.hpp"

namespace latent::testing {
namespace {
std::unique_ptr<Communicator> world;
}
Communicator& mpi_world() {
  return *world;
}
}  // namespace latent::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  latent::set_num_threads(1);  // ranks share the machine's cores
  latent::testing::world = latent::make_mpi_communicator();
  // Only rank 0 prints the usual report; the others speak up when they fail.
  if (latent::testing::world->rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  int failed = RUN_ALL_TESTS();
  int any = latent::testing::world->allreduce_max(failed);
  latent::testing::world.reset();  // MPI_Finalize
  return any;
}
