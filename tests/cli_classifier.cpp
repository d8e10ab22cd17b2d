// `latent train --model classifier` and `latent eval` on it, end to end on real MNIST: the class
// count taken from the labels, accuracy in the metrics and in eval, the same under mpirun, and
// data without labels refused by name.
#include "cli_apps_util.hpp"

namespace latent {
namespace {

using testing::CliTest;
using testing::last_json;
using testing::read_text;
namespace fs = std::filesystem;

const char* kClassifier =
    " train --data mnist.h5 --model classifier --hidden 128 --latent 32 --batch 100 --epochs 2 "
    "--threads 1";

TEST_F(CliTest, ClassifierTrainsOnLabelsAndEvalReportsAccuracy) {
  auto r = run(std::string(kClassifier) + " --val-fraction 0.2 --out run");
  ASSERT_EQ(r.status, 0) << r.output;
  // The class count comes from the labels (0..9) and is stored with the run.
  EXPECT_NE(read_text(path("run/config.ini")).find("num-classes = 10"), std::string::npos);
  EXPECT_FALSE(fs::exists(path("run/reconstructions.png")));
  std::string metrics = read_text(path("run/metrics.jsonl"));
  auto val = last_json(metrics);
  EXPECT_EQ(val["split"], "val");
  EXPECT_GT(val["accuracy"].get<double>(), 0.85) << metrics;

  auto e = run(" eval --checkpoint run/checkpoint.h5 --data mnist.h5 --threads 1");
  ASSERT_EQ(e.status, 0) << e.output;
  auto j = last_json(e.output);
  EXPECT_EQ(j["model"], "classifier");
  EXPECT_GT(j["accuracy"].get<double>(), 0.85) << e.output;
  EXPECT_LT(j["loss"].get<double>(), 0.6) << e.output;
}

TEST_F(CliTest, ClassifierUnderMpirunTrainsLikeOneProcess) {
  ASSERT_TRUE(testing::have_mpirun()) << "no mpirun: scripts/setup.sh installs openmpi-bin";
  const std::string args =
      " train --data mnist.h5 --model classifier --hidden 64 --latent 16 "
      "--epochs 1 --max-steps 30 --optimizer sgd --lr 0.05 --threads 1";
  ASSERT_EQ(run(args + " --batch 100 --out one").status, 0);
  auto two = testing::run_with(testing::kMpirun2, args + " --batch 50 --out two", dir_.string());
  ASSERT_EQ(two.status, 0) << two.output;
  auto a = last_json(read_text(path("one/metrics.jsonl")));
  auto b = last_json(read_text(path("two/metrics.jsonl")));
  EXPECT_NEAR(a["loss"].get<double>(), b["loss"].get<double>(), 1e-4);
  EXPECT_NEAR(a["accuracy"].get<double>(), b["accuracy"].get<double>(), 1e-9);
}

TEST_F(CliTest, ClassifierRefusesDataWithoutLabelsAndLabelsBeyondItsClasses) {
  // The images without /labels, as `generate` writes them.
  ASSERT_EQ(std::system(("cd '" + dir_.string() +
                         "' && h5copy -i mnist.h5 -o nolabels.h5 -s images -d images")
                            .c_str()),
            0);
  auto r = run(" train --data nolabels.h5 --model classifier --epochs 1 --out run");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("nolabels.h5: no /labels dataset"), std::string::npos) << r.output;

  auto few = run(std::string(kClassifier) + " --num-classes 5 --max-steps 3 --out run");
  EXPECT_NE(few.status, 0);
  EXPECT_NE(few.output.find("but the classifier has 5 classes"), std::string::npos) << few.output;
}

}  // namespace
}  // namespace latent
