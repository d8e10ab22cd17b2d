// Bad input ends `latent` with one clear line naming what is wrong, a non-zero status, and
// nothing on disk damaged.
#include "cli_run.hpp"

namespace latent {
namespace {

using testing::CliTest;
using testing::read_text;

void expect_refused(const testing::RunResult& r, std::initializer_list<const char*> mentions) {
  EXPECT_NE(r.status, 0) << r.output;
  // The message is the last line printed (progress lines may come before it).
  std::string out = r.output.substr(0, r.output.find_last_not_of('\n') + 1);
  std::string last = out.substr(out.find_last_of('\n') + 1);
  EXPECT_EQ(last.rfind("latent: ", 0), 0u) << r.output;
  for (auto m : mentions)
    EXPECT_NE(r.output.find(m), std::string::npos) << m << " in: " << r.output;
  EXPECT_EQ(r.output.find("terminate called"), std::string::npos);
}

TEST_F(CliTest, MissingDataFileIsNamed) {
  expect_refused(run(" train --data nowhere.h5 --out run"), {"nowhere.h5"});
}

TEST_F(CliTest, OutOfRangeOptionsAreNamed) {
  expect_refused(run(" train --data mnist.h5 --lr -1 --out run"), {"--lr"});
  expect_refused(run(" train --data mnist.h5 --lr abc --out run"), {"--lr", "abc"});
  expect_refused(run(" train --data mnist.h5 --model transformer --out run"),
                 {"--model", "transformer"});
  expect_refused(run(" train --data mnist.h5 --batch 0 --out run"), {"--batch"});
  expect_refused(run(" train --data mnist.h5 --no-such-option 3"), {"no-such-option"});
  expect_refused(run(" train --data mnist.h5 --dataset pixels"), {"pixels"});
}

TEST_F(CliTest, ConvOnFlatDataSaysWhatItNeeds) {
  // A (N, D) file: the conv architecture needs images.
  ASSERT_EQ(run(" convert --from csv /dev/null --out empty.h5").status != 0, true);
  std::ofstream csv(path("flat.csv"));
  for (int i = 0; i < 300; ++i) csv << i % 2 << "," << (i % 3) * 0.5 << "," << 0.25 << "\n";
  csv.close();
  ASSERT_EQ(run(" convert --from csv flat.csv --out flat.h5").status, 0);
  expect_refused(run(" train --data flat.h5 --arch conv --batch 10 --out run"), {"conv", "(3)"});
}

TEST_F(CliTest, BadInputLeavesAnEarlierRunsFilesAsTheyWere) {
  ASSERT_EQ(run(" train --data mnist.h5 --model ae --hidden 32 --latent 4 --max-steps 5 --out run")
                .status,
            0);
  std::string config = read_text(path("run/config.ini"));
  std::string metrics = read_text(path("run/metrics.jsonl"));
  expect_refused(run(" train --data nowhere.h5 --model vae --out run"), {"nowhere.h5"});
  expect_refused(run(" train --data mnist.h5 --val-data gone.h5 --out run"), {"gone.h5"});
  EXPECT_EQ(read_text(path("run/config.ini")), config);
  EXPECT_EQ(read_text(path("run/metrics.jsonl")), metrics);
}

TEST_F(CliTest, ResumingFromAnotherModelLeavesTheCheckpointIntact) {
  ASSERT_EQ(run(" train --data mnist.h5 --model vae --hidden 32 --latent 4 --max-steps 5 --out run")
                .status,
            0);
  std::string before = read_text(path("run/checkpoint.h5"));
  expect_refused(run(" train --data mnist.h5 --model gan --hidden 32 --latent 4 --max-steps 5 "
                     "--out run --resume run/checkpoint.h5"),
                 {"checkpoint.h5", "vae", "gan"});
  EXPECT_EQ(read_text(path("run/checkpoint.h5")), before);
}

TEST_F(CliTest, EvalOfAMissingCheckpointIsNamed) {
  expect_refused(run(" eval --checkpoint gone.h5 --data mnist.h5"), {"gone.h5"});
}

TEST_F(CliTest, DivergenceStopsWithAMessageNotNaN) {
  auto r =
      run(" train --data mnist.h5 --model vae --lr 1e30 --max-steps 20 --log-every 1 --out run");
  expect_refused(r, {"diverged"});
}

}  // namespace
}  // namespace latent
