// `latent anomaly` on real MNIST: a one-class autoencoder trained on the digit 1 scores the
// other digits as anomalies; and the commands' output under mpirun equals one process's.
#include "cli_apps_util.hpp"

namespace latent {
namespace {

using testing::CliTest;
using testing::kSmall;
using testing::last_json;
using testing::tensor_of;

TEST_F(CliTest, OneClassAutoencoderFlagsTheOtherDigits) {
  // 1127 ones: 11 steps per epoch, 220 steps.
  auto t = run(std::string(" train --data mnist.h5 --model ae --classes 1 --epochs 20 --out run") +
               kSmall);
  ASSERT_EQ(t.status, 0) << t.output;
  auto a =
      run(" anomaly --checkpoint run/checkpoint.h5 --data mnist.h5 --out s.h5 "
          "--normal-classes 1");
  ASSERT_EQ(a.status, 0) << a.output;
  auto j = last_json(a.output);
  EXPECT_EQ(j["samples"], 10000);
  EXPECT_EQ(j["normal"], 1127);
  EXPECT_EQ(j["anomalies"], 10000 - 1127);
  // Chance is 0.5; digit 1 vs the rest reaches ~0.99 with this small model.
  EXPECT_GT(j["auroc"].get<double>(), 0.9) << a.output;
  EXPECT_GT(j["average_precision"].get<double>(), 0.9) << a.output;
  EXPECT_LE(j["fpr"].get<double>(), 0.05);
  EXPECT_GT(j["tpr"].get<double>(), 0.5);

  Tensor score = tensor_of(path("s.h5"), "/score");
  ASSERT_EQ(score.shape(), (Shape{10000}));
  std::vector<int64_t> labels = CheckpointReader(path("s.h5").string()).read_ints("/labels");
  // The threshold printed flags exactly the reported fraction of normal samples.
  double threshold = j["threshold"].get<double>();
  int64_t normal_above = 0;
  for (int64_t i = 0; i < 10000; ++i) normal_above += labels[i] == 1 && score.data()[i] > threshold;
  EXPECT_NEAR(normal_above / 1127.0, j["fpr"].get<double>(), 1e-9);
  // --fpr out of range, --normal-classes not numbers.
  auto bad = run(" anomaly --checkpoint run/checkpoint.h5 --data mnist.h5 --out x.h5 --fpr 2");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.output.find("--fpr must lie in [0, 1]"), std::string::npos) << bad.output;
  bad =
      run(" anomaly --checkpoint run/checkpoint.h5 --data mnist.h5 --out x.h5 "
          "--normal-classes one");
  EXPECT_NE(bad.output.find("--normal-classes must be integers"), std::string::npos) << bad.output;
}

TEST_F(CliTest, ShardedRanksWriteTheSameFileAsOneProcess) {
  ASSERT_TRUE(testing::have_mpirun()) << "no mpirun: scripts/setup.sh installs openmpi-bin";
  ASSERT_EQ(run(std::string(" train --data mnist.h5 --model vae --max-steps 20 --out run") + kSmall)
                .status,
            0);
  const std::string two = testing::kMpirun2;
  for (std::string cmd : {"encode --data mnist.h5", "anomaly --data mnist.h5", "generate --n 301",
                          "reconstruct --data mnist.h5"}) {
    std::string args = cmd + " --checkpoint run/checkpoint.h5 --batch 77 --threads 1";
    auto one = run(" " + args + " --out one.h5");
    ASSERT_EQ(one.status, 0) << cmd << one.output;
    auto many = testing::run_with(two, args + " --out two.h5", dir_.string());
    ASSERT_EQ(many.status, 0) << cmd << many.output;
    CheckpointReader a(path("one.h5").string()), b(path("two.h5").string());
    ASSERT_EQ(a.tensor_names(), b.tensor_names()) << cmd;
    for (const std::string& name : a.tensor_names()) {
      if (name == "/labels") {
        EXPECT_EQ(a.read_ints(name), b.read_ints(name)) << cmd;
        continue;
      }
      Tensor ta = a.read_tensor(name), tb = b.read_tensor(name);
      ASSERT_EQ(ta.shape(), tb.shape()) << cmd << " " << name;
      for (int64_t i = 0; i < ta.numel(); ++i)
        ASSERT_NEAR(ta.data()[i], tb.data()[i], 1e-4f) << cmd << " " << name << " " << i;
    }
    // The part files are gone.
    for (auto& entry : std::filesystem::directory_iterator(dir_))
      EXPECT_EQ(entry.path().filename().string().find(".part"), std::string::npos) << entry.path();
  }
}

}  // namespace
}  // namespace latent
