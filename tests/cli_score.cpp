// `latent score`: FID in a judge classifier's features, the judge's accuracy and the class
// histogram of generated samples, end to end; a better-trained generator scores a lower FID;
// mpirun gives what one process gives; a judge that is no classifier is refused.
#include "cli_apps_util.hpp"

namespace latent {
namespace {

using testing::CliTest;
using testing::last_json;

class ScoreTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    ASSERT_EQ(run(" train --data mnist.h5 --model classifier --hidden 128 --latent 32 "
                  "--batch 100 --epochs 2 --threads 1 --out judge")
                  .status,
              0);
    for (auto [steps, out] : {std::make_pair("10", "early"), std::make_pair("300", "late")})
      ASSERT_EQ(run(std::string(" train --data mnist.h5 --model vae --threads 1 --max-steps ") +
                    steps + " --out " + out + testing::kSmall)
                    .status,
                0);
  }
  nlohmann::json score(const std::string& generator, const std::string& extra = "") {
    auto r = run(" score --checkpoint " + generator +
                 "/checkpoint.h5 --data mnist.h5 --judge judge/checkpoint.h5 --n 1000 "
                 "--threads 1" +
                 extra);
    EXPECT_EQ(r.status, 0) << r.output;
    return last_json(r.output);
  }
};

TEST_F(ScoreTest, ReportsFidAccuracyAndClassCoverage) {
  auto late = score("late", " --png classes.png");
  EXPECT_EQ(late["real_samples"], 10000);
  EXPECT_EQ(late["generated_samples"], 1000);
  EXPECT_EQ(late["features"], 32);
  EXPECT_GT(late["judge_accuracy"].get<double>(), 0.85);
  EXPECT_EQ(late["classes"], 10);
  EXPECT_GE(late["classes_present"].get<int>(), 5);
  EXPECT_LE(late["class_evenness"].get<double>(), 1.0);
  int64_t total = 0;
  for (auto& c : late["class_histogram"]) total += c.get<int64_t>();
  EXPECT_EQ(total, 1000);
  testing::expect_png(path("classes.png"), 640, 400);
  // 10 steps make blurs; 300 make digits: closer to the real ones in the judge's features.
  auto early = score("early");
  EXPECT_GT(early["fid"].get<double>(), 1.5 * late["fid"].get<double>())
      << early["fid"] << " vs " << late["fid"];
  // The blurs are judged one or two classes (measured: all 1000 one class; after 300 steps 8
  // classes, evenness 0.43).
  EXPECT_LT(early["classes_present"].get<int>(), late["classes_present"].get<int>());
  EXPECT_GT(late["class_evenness"].get<double>(), early["class_evenness"].get<double>() + 0.2);
}

TEST_F(ScoreTest, UnderMpirunEqualsOneProcess) {
  ASSERT_TRUE(testing::have_mpirun()) << "no mpirun: scripts/setup.sh installs openmpi-bin";
  auto one = score("late");
  auto r = testing::run_with(testing::kMpirun2,
                             " score --checkpoint late/checkpoint.h5 --data mnist.h5 --judge "
                             "judge/checkpoint.h5 --n 1000 --threads 1",
                             dir_.string());
  ASSERT_EQ(r.status, 0) << r.output;
  auto two = last_json(r.output);
  EXPECT_NEAR(two["fid"].get<double>(), one["fid"].get<double>(), 1e-4 * one["fid"].get<double>());
  EXPECT_EQ(two["class_histogram"], one["class_histogram"]);
  EXPECT_EQ(two["judge_accuracy"], one["judge_accuracy"]);
}

TEST_F(ScoreTest, RefusesAJudgeThatIsNoClassifier) {
  auto r =
      run(" score --checkpoint late/checkpoint.h5 --data mnist.h5 --judge "
          "early/checkpoint.h5 --threads 1");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("--judge early/checkpoint.h5 holds model 'vae'; expected a classifier"),
            std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace latent
