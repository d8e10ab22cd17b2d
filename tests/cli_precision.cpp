// `--precision fp32|bf16` and `--tf32` end to end: checked at startup (a CPU without native bf16
// is refused by name), saved with the run, free to change on resume, and a bf16 run resumes
// exactly as if never stopped.
#include <cstring>

#include "cli_apps_util.hpp"
#include "io/checkpoint_reader.hpp"
#include "runtime/build_info.hpp"

namespace latent {
namespace {

using testing::CliTest;
using testing::kTinyVae;
using testing::read_text;
namespace fs = std::filesystem;

TEST_F(CliTest, PrecisionValuesAreChecked) {
  auto bad = run(std::string(kTinyVae) + " --max-steps 2 --out run --precision fp16");
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("--precision fp16: expected fp32 or bf16"), std::string::npos)
      << bad.output;
  auto tf32 = run(std::string(kTinyVae) + " --max-steps 2 --out run --tf32 maybe");
  EXPECT_NE(tf32.status, 0);
  EXPECT_NE(tf32.output.find("--tf32"), std::string::npos) << tf32.output;
  EXPECT_FALSE(fs::exists(path("run")));
}

// oneDNN told to stop below avx512_bf16 (as on a CPU without it) refuses bf16 rather than
// emulate it, naming the instruction sets, before anything is written.
TEST_F(CliTest, Bf16WithoutNativeInstructionsIsRefusedNamingThem) {
  auto r = testing::run_latent(std::string(kTinyVae) + " --max-steps 2 --out run --precision bf16",
                               dir_.string(), "ONEDNN_MAX_CPU_ISA=AVX512_CORE");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("--precision bf16: oneDNN's kernels on this CPU run avx512_core "
                          "(ONEDNN_MAX_CPU_ISA=AVX512_CORE), which lacks avx512_bf16 and AMX"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(path("run")));
  // fp32 runs there as before.
  auto fp32 = testing::run_latent(std::string(kTinyVae) + " --max-steps 2 --out run", dir_.string(),
                                  "ONEDNN_MAX_CPU_ISA=AVX512_CORE");
  EXPECT_EQ(fp32.status, 0) << fp32.output;
}

class CliBf16 : public CliTest {
 protected:
  void SetUp() override {
    if (!onednn_bf16_missing().empty())
      GTEST_SKIP() << "no native bf16 here: " << onednn_bf16_missing();
    CliTest::SetUp();
  }
  std::vector<float> params(const std::string& run_folder) {
    CheckpointReader r(path(run_folder + "/checkpoint.h5").string());
    Tensor t(Shape{32, 4});  // the decoder's first layer: --latent 4 to --hidden 32
    r.read_tensor("/params/decoder/0_linear/weight", t);
    return std::vector<float>(t.data(), t.data() + t.numel());
  }
};

// The precision is saved with the run (config.ini and the checkpoint's config), a resumed run
// keeps it unless told otherwise, and may change it either way.
TEST_F(CliBf16, PrecisionIsSavedAndMayChangeOnResume) {
  auto r = run(std::string(kTinyVae) + " --max-steps 3 --out run --precision bf16");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("precision: bf16 matmuls and convolutions"), std::string::npos)
      << r.output;
  EXPECT_NE(read_text(path("run/config.ini")).find("\nprecision = bf16\n"), std::string::npos);
  auto kept = run(" train --resume run/checkpoint.h5 --max-steps 4 --out run");
  ASSERT_EQ(kept.status, 0) << kept.output;
  EXPECT_NE(read_text(path("run/config.ini")).find("\nprecision = bf16\n"), std::string::npos);
  auto to_fp32 = run(" train --resume run/checkpoint.h5 --max-steps 5 --out run --precision fp32");
  ASSERT_EQ(to_fp32.status, 0) << to_fp32.output;
  EXPECT_NE(read_text(path("run/config.ini")).find("\nprecision = fp32\n"), std::string::npos);
  auto back = run(" train --resume run/checkpoint.h5 --max-steps 6 --out run --precision bf16");
  ASSERT_EQ(back.status, 0) << back.output;
  EXPECT_NE(read_text(path("run/config.ini")).find("\nprecision = bf16\n"), std::string::npos);
}

// Stopped after 3 steps and resumed to 6, a bf16 run ends with the very parameters of one that
// ran 6 steps straight, as an fp32 run does (and not with an fp32 run's).
TEST_F(CliBf16, ResumedBf16RunContinuesExactly) {
  const std::string bf16 = std::string(kTinyVae) + " --precision bf16";
  ASSERT_EQ(run(bf16 + " --max-steps 6 --out straight").status, 0);
  ASSERT_EQ(run(bf16 + " --max-steps 3 --out halves").status, 0);
  auto resumed = run(" train --resume halves/checkpoint.h5 --max-steps 6 --out halves");
  ASSERT_EQ(resumed.status, 0) << resumed.output;
  const std::vector<float> a = params("straight"), b = params("halves");
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0);
  // ...and not those of an fp32 run.
  ASSERT_EQ(run(std::string(kTinyVae) + " --max-steps 6 --out fp32").status, 0);
  EXPECT_NE(std::memcmp(a.data(), params("fp32").data(), a.size() * sizeof(float)), 0);
}

}  // namespace
}  // namespace latent
