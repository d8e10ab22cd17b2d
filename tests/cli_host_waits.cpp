// The training loop reads results back once per logged row, not once per step: on a GPU each
// read waits for the stream, so this is what lets the host run ahead. The CPU counts the same
// reads (runtime/scalar.hpp), so the count is checked here for every kind. And a divergence
// found late is still named at its first step, and never checkpointed.
#include "cli_apps_util.hpp"
#include "models/model_kinds.hpp"

namespace latent {
namespace {

using testing::CliTest;
using testing::metrics_rows;

TEST_F(CliTest, EveryKindReadsItsResultsOncePerLoggedRow) {
  for (const ModelKind& kind : model_kinds()) {
    SCOPED_TRACE(kind.name);
    const std::string name = kind.name;
    auto r = run(" train --data mnist.h5 --model " + name +
                 " --hidden 16 --latent 4 --threads 1 --batch 64 --max-steps 12 --log-every 4"
                 " --out " +
                 name);
    ASSERT_EQ(r.status, 0) << r.output;
    int train_rows = 0;
    for (const auto& row : metrics_rows(path(name + "/metrics.jsonl"))) {
      if (row.contains("split") || row.contains("phase")) continue;  // validation, pretraining
      ++train_rows;
      EXPECT_EQ(row["host_waits"].get<double>(), 1.0) << row.dump();
    }
    EXPECT_EQ(train_rows, 3);
  }
}

TEST_F(CliTest, ADivergenceReadAtTheCheckpointIsNamedAtItsStepAndNotSaved) {
  // Logged only every 50 steps: the checkpoint at step 3 is where the losses are first read.
  auto r =
      run(" train --data mnist.h5 --model vae --hidden 32 --latent 4 --lr 1e30 --max-steps 20"
          " --checkpoint-every 3 --out run");
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("training diverged"), std::string::npos) << r.output;
  const size_t at = r.output.find("at step ");
  ASSERT_NE(at, std::string::npos) << r.output;
  EXPECT_LT(std::stoi(r.output.substr(at + 8)), 3) << r.output;  // the first bad step, not 3
  EXPECT_FALSE(std::filesystem::exists(path("run/checkpoint.h5")));
}

}  // namespace
}  // namespace latent
