// The choices a GPU rank makes from what its node holds (runtime/gpu_choice.hpp), on any
// machine: the GPU of each local rank, and NCCL or MPI for the gradients when a node runs more
// ranks than it has GPUs (NCCL refuses two ranks on one GPU).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "runtime/error.hpp"
#include "runtime/gpu_choice.hpp"

namespace latent {
namespace {

TEST(GpuChoice, EachLocalRankTakesItsOwnGpuWhileThereAreEnough) {
  EXPECT_EQ(gpu_of_local_rank(0, 1), 0);
  EXPECT_EQ(gpu_of_local_rank(0, 4), 0);
  EXPECT_EQ(gpu_of_local_rank(3, 4), 3);
  EXPECT_EQ(gpu_of_local_rank(1, 8), 1);
}

TEST(GpuChoice, RanksBeyondTheGpusWrapRoundAndShare) {
  EXPECT_EQ(gpu_of_local_rank(1, 1), 0);
  EXPECT_EQ(gpu_of_local_rank(4, 4), 0);
  EXPECT_EQ(gpu_of_local_rank(5, 2), 1);
}

TEST(GpuChoice, NoGpuOrANegativeRankIsAProgrammingError) {
  EXPECT_THROW(gpu_of_local_rank(0, 0), std::invalid_argument);
  EXPECT_THROW(gpu_of_local_rank(-1, 2), std::invalid_argument);
}

TEST(GradientTransport, NcclWhenEveryRankOfTheNodeHasAGpu) {
  for (bool insisted : {false, true})
    for (int ranks : {1, 2, 4}) {
      const TransportChoice c =
          choose_gradient_transport(GradientTransport::kNccl, insisted, ranks, 4);
      EXPECT_EQ(c.transport, GradientTransport::kNccl) << ranks << " ranks";
      EXPECT_TRUE(c.note.empty()) << c.note;
    }
}

TEST(GradientTransport, MpiAskedForIsKeptWhateverTheGpus) {
  for (int gpus : {0, 1, 8}) {
    const TransportChoice c = choose_gradient_transport(GradientTransport::kMpi, true, 4, gpus);
    EXPECT_EQ(c.transport, GradientTransport::kMpi);
    EXPECT_TRUE(c.note.empty()) << c.note;
  }
}

TEST(GradientTransport, TheDefaultFallsBackToMpiWithANoteWhenRanksOutnumberGpus) {
  const TransportChoice c = choose_gradient_transport(GradientTransport::kNccl, false, 4, 2);
  EXPECT_EQ(c.transport, GradientTransport::kMpi);
  EXPECT_NE(c.note.find("4 ranks on a node with 2 GPUs"), std::string::npos) << c.note;
  EXPECT_NE(c.note.find("--comm mpi"), std::string::npos) << c.note;
  EXPECT_EQ(c.note.find('\n'), std::string::npos) << "one line: " << c.note;
  const TransportChoice one = choose_gradient_transport(GradientTransport::kNccl, false, 2, 1);
  EXPECT_EQ(one.transport, GradientTransport::kMpi);
  EXPECT_NE(one.note.find("2 ranks on a node with 1 GPU,"), std::string::npos) << one.note;
}

TEST(GradientTransport, NcclGivenExplicitlyIsRefusedSayingWhatWouldWork) {
  try {
    choose_gradient_transport(GradientTransport::kNccl, true, 3, 2);
    ADD_FAILURE() << "--comm nccl with 3 ranks on 2 GPUs was accepted";
  } catch (const UserError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("--comm nccl: 3 ranks on a node with 2 GPUs"), std::string::npos) << what;
    EXPECT_NE(what.find("at most 2 ranks per node"), std::string::npos) << what;
    EXPECT_NE(what.find("--comm mpi"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace latent
