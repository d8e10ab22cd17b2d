// mpi_tests: GoogleTest under mpirun. Every rank runs every test; a failure on any rank makes
// that rank's exit status non-zero, and mpirun reports it.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include "mpi_world.hpp"
#include "runtime/stall_watchdog.hpp"
#include "runtime/threads.hpp"

namespace latent::testing {
namespace {
std::unique_ptr<Communicator> world;
}
Communicator& mpi_world() {
  return *world;
}
}  // namespace latent::testing

namespace {

// Prints each failed assertion of a rank other than 0, with its rank.
class FailurePrinter : public ::testing::EmptyTestEventListener {
 public:
  explicit FailurePrinter(int rank) : rank_(rank) {}
  // The test's name is kept here: asking UnitTest::current_test_info() from OnTestPartResult
  // waits on the lock gtest holds while it reports, and the rank hung instead of speaking.
  void OnTestStart(const ::testing::TestInfo& test) override {
    test_ = std::string(test.test_suite_name()) + "." + test.name();
  }
  void OnTestPartResult(const ::testing::TestPartResult& result) override {
    if (!result.failed()) return;
    std::fprintf(stderr, "rank %d: %s: %s:%d: Failure\n%s\n", rank_, test_.c_str(),
                 result.file_name() ? result.file_name() : "?", result.line_number(),
                 result.message());
  }

 private:
  int rank_;
  std::string test_ = "?";
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  latent::set_num_threads(1);  // ranks share the machine's cores
  latent::testing::world = latent::make_mpi_communicator();
  // Ranks that fall out of step (one fails a test the others pass) end with a message naming the
  // wait, well before ctest's timeout.
  latent::set_stall_timeout(120);
  // Only rank 0 prints the usual report; the others speak up when they fail.
  if (latent::testing::world->rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new FailurePrinter(latent::testing::world->rank()));
  }
  int failed = RUN_ALL_TESTS();
  int any = latent::testing::world->allreduce_max(failed);
  latent::testing::world.reset();  // MPI_Finalize
  return any;
}
