// `--device cpu|cuda` end to end: the choice is checked at startup, it is not part of the run's
// saved config, and (where a GPU is usable) a GPU run trains and checkpoints like a CPU run.
#include <nlohmann/json.hpp>

#include "cli_apps_util.hpp"
#include "io/checkpoint_reader.hpp"
#include "runtime/device.hpp"

namespace latent {
namespace {

using testing::CliTest;
using testing::kTinyVae;
using testing::metrics_rows;
using testing::read_text;
namespace fs = std::filesystem;

TEST_F(CliTest, DeviceCudaWithoutAGpuIsRefusedBeforeAnyFileIsTouched) {
  const std::string why = device_unavailable_reason(Device::kCuda);
  if (why.empty()) GTEST_SKIP() << "a GPU is usable here: --device cuda is not refused";
  const std::string expected = "latent: --device cuda: " + why + "\n";
  auto train = run(std::string(kTinyVae) + " --max-steps 2 --out run --device cuda");
  EXPECT_NE(train.status, 0);
  EXPECT_EQ(train.output, expected);
  EXPECT_FALSE(fs::exists(path("run")));
  // Application commands too, before they read the checkpoint or write their output.
  for (const std::string& command :
       {std::string("eval --checkpoint none.h5 --data mnist.h5"),
        std::string("generate --checkpoint none.h5 --n 4 --out gen.h5"),
        std::string("encode --checkpoint none.h5 --data mnist.h5 --out codes.h5")}) {
    auto r = run(" " + command + " --device cuda");
    EXPECT_NE(r.status, 0) << command;
    EXPECT_EQ(r.output, expected) << command;
  }
  EXPECT_FALSE(fs::exists(path("gen.h5")));
  EXPECT_FALSE(fs::exists(path("codes.h5")));
}

TEST_F(CliTest, DeviceNamesAreCheckedAndTheDeviceIsNoPartOfTheSavedRun) {
  auto bad = run(std::string(kTinyVae) + " --max-steps 2 --out run --device tpu");
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("--device 'tpu': expected cpu or cuda"), std::string::npos)
      << bad.output;
  auto comm_bad = run(std::string(kTinyVae) + " --max-steps 2 --out run --comm gloo");
  EXPECT_NE(comm_bad.output.find("--comm 'gloo': expected nccl or mpi"), std::string::npos)
      << comm_bad.output;
  auto eval_bad = run(" eval --checkpoint none.h5 --data mnist.h5 --device gpu");
  EXPECT_NE(eval_bad.output.find("--device 'gpu': expected cpu or cuda"), std::string::npos)
      << eval_bad.output;

  ASSERT_EQ(run(std::string(kTinyVae) + " --max-steps 3 --out run --device cpu").status, 0);
  const std::string ini = read_text(path("run/config.ini"));
  EXPECT_EQ(ini.find("device"), std::string::npos) << ini;
  EXPECT_EQ(
      CheckpointReader(path("run/checkpoint.h5").string()).meta_string("config").find("device"),
      std::string::npos);
  // A run option like --threads: resuming names it freely.
  auto resumed = run(" train --max-steps 4 --out run --resume run/checkpoint.h5 --device cpu");
  EXPECT_EQ(resumed.status, 0) << resumed.output;
}

// On a GPU: the MLP VAE trained a few steps on cuda follows the CPU run from the same seed, and
// its checkpoint loads on the CPU (and the CPU's on the GPU).
TEST_F(CliTest, CudaTrainingFollowsTheCpuAndItsCheckpointLoadsOnTheCpu) {
  const std::string why = device_unavailable_reason(Device::kCuda);
  if (!why.empty()) GTEST_SKIP() << "no GPU test here: " << why;
  const std::string steps = std::string(kTinyVae) + " --max-steps 5 --seed 3";
  auto cpu = run(steps + " --out cpu --device cpu");
  ASSERT_EQ(cpu.status, 0) << cpu.output;
  auto gpu = run(steps + " --out gpu --device cuda");
  ASSERT_EQ(gpu.status, 0) << gpu.output;
  auto cpu_rows = metrics_rows(path("cpu/metrics.jsonl")),
       gpu_rows = metrics_rows(path("gpu/metrics.jsonl"));
  ASSERT_EQ(cpu_rows.size(), gpu_rows.size());
  for (size_t i = 0; i < cpu_rows.size(); ++i) {
    if (!cpu_rows[i].contains("loss")) continue;
    const double a = cpu_rows[i]["loss"].get<double>(), b = gpu_rows[i]["loss"].get<double>();
    EXPECT_NEAR(b, a, 1e-4 * std::abs(a)) << "row " << i;
  }
  for (const char* device : {"cpu", "cuda"}) {
    auto e =
        run(std::string(" eval --checkpoint gpu/checkpoint.h5 --data mnist.h5 --device ") + device);
    ASSERT_EQ(e.status, 0) << e.output;
    auto j = testing::last_json(e.output);
    auto ref = testing::last_json(
        run(" eval --checkpoint cpu/checkpoint.h5 --data mnist.h5 --device cpu").output);
    EXPECT_NEAR(j["loss"].get<double>(), ref["loss"].get<double>(),
                1e-4 * std::abs(ref["loss"].get<double>()))
        << device;
  }
  auto resumed = run(" train --max-steps 6 --out gpu --resume gpu/checkpoint.h5 --device cpu");
  EXPECT_EQ(resumed.status, 0) << resumed.output;
  auto back = run(" train --max-steps 7 --out gpu --resume gpu/checkpoint.h5 --device cuda");
  EXPECT_EQ(back.status, 0) << back.output;
}

}  // namespace
}  // namespace latent
