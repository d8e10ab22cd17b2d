// `latent train` and `latent eval` end to end on real MNIST.
#include <nlohmann/json.hpp>
#include <thread>

#include "cli_apps_util.hpp"
#include "io/checkpoint_reader.hpp"

namespace latent {
namespace {

using testing::CliTest;
using testing::metrics_rows;
using testing::read_text;
namespace fs = std::filesystem;

// Parameters and optimizer state of two checkpoints are bit-identical.
void expect_same_checkpoints(const fs::path& a_path, const fs::path& b_path) {
  CheckpointReader a(a_path.string()), b(b_path.string());
  EXPECT_EQ(a.meta_int("step"), b.meta_int("step"));
  for (const std::string& name : a.tensor_names()) {
    if (name.rfind("/params/", 0) != 0 && name.rfind("/optim/", 0) != 0) continue;
    if (name.find("step_count") != std::string::npos) {
      EXPECT_EQ(a.read_ints(name), b.read_ints(name)) << name;
      continue;
    }
    Tensor ta = a.read_tensor(name), tb = b.read_tensor(name);
    ASSERT_EQ(ta.numel(), tb.numel()) << name;
    for (int64_t i = 0; i < ta.numel(); ++i)
      ASSERT_EQ(ta.data()[i], tb.data()[i]) << name << " " << i;
  }
}

const char* kSmallVae = " train --data mnist.h5 --model vae --hidden 64 --latent 8 --batch 100";

TEST_F(CliTest, TrainWritesTheRunFolderAndEvalReportsTheLoss) {
  auto r = run(std::string(kSmallVae) + " --epochs 1 --log-every 20 --val-data mnist.h5 --out run");
  ASSERT_EQ(r.status, 0) << r.output;
  for (auto f : {"config.ini", "metrics.jsonl", "checkpoint.h5", "samples.png",
                 "reconstructions.png", "reconstructions_epoch1.png", "samples_epoch1.png"})
    EXPECT_TRUE(fs::exists(path("run") / f)) << f;
  // Originals and reconstructions are one picture of pairs: 64 of each, 8 per row, 4 px more
  // between pairs of rows.
  EXPECT_FALSE(fs::exists(path("run/originals.png")));
  testing::expect_png(path("run/reconstructions_epoch1.png"), 8 * 30 + 2, 16 * 30 + 2 + 7 * 4);
  EXPECT_NE(read_text(path("run/config.ini")).find("model = vae"), std::string::npos);
  auto rows = metrics_rows(path("run/metrics.jsonl"));
  ASSERT_GE(rows.size(), 3u);
  for (auto key : {"step", "epoch", "samples_per_s", "loss", "recon", "kl"})
    EXPECT_TRUE(rows.front().contains(key)) << key;
  EXPECT_LT(rows[rows.size() - 2]["loss"].get<double>(), 0.6 * rows.front()["loss"].get<double>());
  EXPECT_EQ(rows.back()["split"], "val");

  auto e = run(" eval --checkpoint run/checkpoint.h5 --data mnist.h5");
  ASSERT_EQ(e.status, 0) << e.output;
  auto j = nlohmann::json::parse(e.output);
  EXPECT_EQ(j["samples"], 10000);
  for (auto key : {"loss", "recon", "kl", "mse_per_pixel"}) EXPECT_TRUE(j.contains(key)) << key;
  // eval's loss is the validation row's: same data, same definition.
  EXPECT_NEAR(j["loss"].get<double>(), rows.back()["loss"].get<double>(), 1e-3);
}

TEST_F(CliTest, ResumeContinuesExactlyAsIfNeverStopped) {
  ASSERT_EQ(run(std::string(kSmallVae) + " --epochs 2 --max-steps 130 --out straight").status, 0);
  // Stop mid-epoch 2 (100 steps per epoch), then resume.
  ASSERT_EQ(run(std::string(kSmallVae) + " --epochs 2 --max-steps 115 --out split").status, 0);
  auto r = run(std::string(kSmallVae) +
               " --epochs 2 --max-steps 130 --out split --resume split/checkpoint.h5");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(CheckpointReader(path("split/checkpoint.h5").string()).meta_int("step"), 130);
  expect_same_checkpoints(path("straight/checkpoint.h5"), path("split/checkpoint.h5"));
}

// Resume needs only the checkpoint: seed, model and optimizer come from it, so a run of seed 7
// continues as seed 7 without repeating the flag; a differing value is refused by name.
TEST_F(CliTest, ResumeTakesTheSeedAndSettingsFromTheCheckpoint) {
  const std::string seven = std::string(kSmallVae) + " --seed 7 --optimizer sgd --lr 0.01";
  ASSERT_EQ(run(seven + " --max-steps 40 --out straight").status, 0);
  ASSERT_EQ(run(seven + " --max-steps 25 --out split").status, 0);
  auto r = run(" train --max-steps 40 --out split --resume split/checkpoint.h5");
  ASSERT_EQ(r.status, 0) << r.output;
  expect_same_checkpoints(path("straight/checkpoint.h5"), path("split/checkpoint.h5"));
  EXPECT_NE(read_text(path("split/config.ini")).find("seed = 7"), std::string::npos);

  for (auto [option, expect] : {std::pair{" --seed 8", "--seed 8 differs from the checkpoint's 7"},
                                {" --hidden 32", "--hidden 32 differs from the checkpoint's 64"},
                                {" --lr 0.02", "--lr 0.02 differs from the checkpoint's 0.01"},
                                {" --batch 50", "global batch is 100"}}) {
    auto bad =
        run(std::string(" train --max-steps 50 --out bad --resume split/checkpoint.h5") + option);
    EXPECT_NE(bad.status, 0) << option;
    EXPECT_NE(bad.output.find(expect), std::string::npos) << bad.output;
    EXPECT_FALSE(fs::exists(path("bad"))) << option << ": refused runs touch nothing";
  }
  // Repeating a value the checkpoint holds, however written, is fine.
  auto same =
      run(" train --max-steps 41 --out split --resume split/checkpoint.h5 --lr 1e-2 "
          "--seed 7 --model vae");
  EXPECT_EQ(same.status, 0) << same.output;
}

TEST_F(CliTest, ConfigFileSetsOptionsAndTheCommandLineWins) {
  std::ofstream(path("gan.ini"))
      << "model = gan\nhidden = 64\nlatent = 8\nbatch = 50\nlr-d = 0.5\n";
  auto r = run(" train --config gan.ini --data mnist.h5 --lr-d 0.0003 --max-steps 30 --out run");
  ASSERT_EQ(r.status, 0) << r.output;
  std::string ini = read_text(path("run/config.ini"));
  EXPECT_NE(ini.find("model = gan"), std::string::npos);
  EXPECT_NE(ini.find("lr-d = 0.0003"), std::string::npos);
  EXPECT_NE(ini.find("adam-beta1 = auto"), std::string::npos);
  auto rows = metrics_rows(path("run/metrics.jsonl"));
  for (auto key : {"loss_d", "loss_g", "d_real", "d_fake", "d_acc"})
    EXPECT_TRUE(rows.front().contains(key)) << key;
  auto e = run(" eval --checkpoint run/checkpoint.h5 --data mnist.h5");
  ASSERT_EQ(e.status, 0) << e.output;
  EXPECT_TRUE(nlohmann::json::parse(e.output).contains("d_acc"));
}

TEST_F(CliTest, ValFractionValidatesOnAHeldOutPart) {
  auto r = run(std::string(kSmallVae) + " --max-steps 40 --val-fraction 0.2 --out run");
  ASSERT_EQ(r.status, 0) << r.output;
  auto rows = metrics_rows(path("run/metrics.jsonl"));
  ASSERT_EQ(rows.back()["split"], "val");
  EXPECT_GT(rows.back()["loss"].get<double>(), 0.0);
  // 8,000 training digits: 80 steps of 100 per epoch, give or take the random split.
  EXPECT_EQ(rows.back()["step"], 40);
  auto bad = run(std::string(kSmallVae) + " --val-fraction 0.2 --val-data mnist.h5 --out run2");
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("--val-fraction"), std::string::npos) << bad.output;
}

TEST_F(CliTest, GanPretrainsItsGeneratorAsADecoderFirst) {
  auto r =
      run(" train --data mnist.h5 --model gan --hidden 64 --latent 8 --batch 100 "
          "--pretrain-epochs 2 --max-steps 10 --out run");
  ASSERT_EQ(r.status, 0) << r.output;
  auto rows = metrics_rows(path("run/metrics.jsonl"));
  ASSERT_GE(rows.size(), 3u);
  EXPECT_EQ(rows[0]["phase"], "pretrain");
  EXPECT_EQ(rows[1]["phase"], "pretrain");
  EXPECT_LT(rows[1]["recon"].get<double>(), rows[0]["recon"].get<double>());
  EXPECT_TRUE(rows[2].contains("loss_g"));
  // The pretraining encoder is part of the checkpoint, so a resumed run has all of it.
  auto info = run(" info run/checkpoint.h5");
  EXPECT_NE(info.output.find("/params/pretrain_encoder/"), std::string::npos);
}

// The default thread count is the CPUs a rank may use (its affinity mask, which taskset, mpirun
// --bind-to and srun set) divided among the ranks of the node bound to that same mask.
TEST_F(CliTest, DefaultThreadsFollowTheAffinityMask) {
  const std::string args = std::string(kSmallVae) + " --max-steps 2 --out run";
  auto one_cpu = testing::run_latent(args, dir_.string(), "taskset -c 0");
  ASSERT_EQ(one_cpu.status, 0) << one_cpu.output;
  EXPECT_NE(one_cpu.output.find("threads: 1 per rank (automatic; 1 CPU in the affinity mask, 1 "
                                "rank on it)"),
            std::string::npos)
      << one_cpu.output;
  if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "needs 2 CPUs for the rest";
  auto two_cpus = testing::run_latent(args, dir_.string(), "taskset -c 0,1");
  EXPECT_NE(two_cpus.output.find("threads: 2 per rank (automatic; 2 CPUs in the affinity mask, "
                                 "1 rank on it)"),
            std::string::npos)
      << two_cpus.output;
  // Two ranks on the same two CPUs share them: one thread each.
  auto ranks = testing::run_latent(args, dir_.string(),
                                   "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
                                   "taskset -c 0,1 mpirun -np 2 --bind-to none");
  ASSERT_EQ(ranks.status, 0) << ranks.output;
  EXPECT_NE(ranks.output.find("threads: 1 per rank (automatic; 2 CPUs in the affinity mask, 2 "
                              "ranks on it)"),
            std::string::npos)
      << ranks.output;
  auto bad = run(args + " --threads -2");
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("--threads -2"), std::string::npos) << bad.output;
}

TEST_F(CliTest, HelpDocumentsEveryOptionWithItsDefault) {
  auto r = run(" train --help");
  ASSERT_EQ(r.status, 0);
  for (auto s : {"--model arg (=vae)", "--batch arg (=128)", "--lr arg (=0.001)", "--config"})
    EXPECT_NE(r.output.find(s), std::string::npos) << s;
}

}  // namespace
}  // namespace latent
