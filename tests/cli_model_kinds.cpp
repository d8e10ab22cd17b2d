// The kinds table walked end to end: every kind trains a few steps, its checkpoint resumes to
// the uninterrupted run's parameters, and every application command either works on it or
// refuses it naming what it lacks, exactly as the kind's traits say.
#include "cli_reliability_util.hpp"
#include "io/array_file.hpp"
#include "models/model_kinds.hpp"

namespace latent {
namespace {

using testing::expect_refused;

class ModelKindsCli : public testing::ReliabilityTest {};

const char* kSmallModel = " --hidden 16 --latent 4 --threads 1 --batch 64 --seed 3";

// Bitwise equality of every parameter and optimizer tensor of two checkpoints.
void expect_same_state(const std::filesystem::path& a, const std::filesystem::path& b) {
  CheckpointReader ra(a.string()), rb(b.string());
  ASSERT_EQ(ra.tensor_names(), rb.tensor_names());
  for (const std::string& name : ra.tensor_names()) {
    if (name.rfind("/params/", 0) != 0 && name.rfind("/optim/", 0) != 0) continue;
    if (name.find("step_count") != std::string::npos) {
      EXPECT_EQ(ra.read_ints(name), rb.read_ints(name)) << name;
      continue;
    }
    Tensor x = ra.read_tensor(name), y = rb.read_tensor(name);
    ASSERT_EQ(x.shape(), y.shape()) << name;
    EXPECT_EQ(std::memcmp(x.data(), y.data(), x.numel() * sizeof(float)), 0) << name;
  }
}

TEST_F(ModelKindsCli, EveryKindTrainsResumesAndServesTheCommandsItsTraitsName) {
  // A judge for `score` and codes of 4 values for `decode`.
  ASSERT_EQ(run(" train --data mnist.h5 --model classifier --max-steps 20 --out judge" +
                std::string(kSmallModel))
                .status,
            0);
  std::vector<float> codes(50 * 4, 0.25f);
  std::vector<int32_t> classes(50, 3);  // conditional kinds decode codes with their classes
  write_array(path("codes.h5").string(), "latent", {50, 4}, ArrayType::kFloat32, codes.data());
  write_array(path("codes.h5").string(), "labels", {50}, ArrayType::kInt32, classes.data());

  for (const ModelKind& kind : model_kinds()) {
    SCOPED_TRACE(kind.name);
    const std::string k = kind.name, model = " --model " + k + kSmallModel;
    auto whole = run(" train --data mnist.h5" + model + " --max-steps 6 --out " + k + "-whole");
    ASSERT_EQ(whole.status, 0) << whole.output;
    auto part = run(" train --data mnist.h5" + model + " --max-steps 3 --out " + k);
    ASSERT_EQ(part.status, 0) << part.output;
    auto resumed = run(" train --resume " + k + "/checkpoint.h5 --max-steps 6 --threads 1");
    ASSERT_EQ(resumed.status, 0) << resumed.output;
    expect_same_state(path(k + "-whole/checkpoint.h5"), path(k + "/checkpoint.h5"));

    const std::string c = " --checkpoint " + k + "/checkpoint.h5 ";
    const ModelTraits& t = kind.traits;
    auto serves = [&](bool can, const std::string& args, const char* refusal) {
      SCOPED_TRACE(args);
      auto r = run(args);
      if (can) {
        EXPECT_EQ(r.status, 0) << r.output;
        return;
      }
      expect_refused(r, {refusal});
      EXPECT_TRUE(r.output.find("model " + k + " ") != std::string::npos ||
                  r.output.find("model '" + k + "'") != std::string::npos)
          << "the kind is named: " << r.output;
    };
    auto r = run(" eval" + c + "--data mnist.h5");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(testing::last_json(r.output)["model"], k);
    serves(t.can_encode, " encode" + c + "--data mnist.h5 --out " + k + "-z.h5", "no encoder");
    serves(t.can_decode, " decode" + c + "--latent codes.h5 --out " + k + "-d.h5", "cannot decode");
    serves(t.can_encode && t.can_decode,
           " reconstruct" + c + "--data mnist.h5 --out " + k + "-r.h5", "no encoder");
    serves(t.can_encode && t.can_decode, " denoise" + c + "--data mnist.h5 --out " + k + "-n.h5",
           "no encoder");
    serves(t.can_encode && t.can_decode,
           " interpolate" + c + "--data mnist.h5 --from 0 --to 1 --out " + k + "-i.h5",
           "no encoder");
    serves(t.can_generate, " generate" + c + "--n 10 --out " + k + "-g.h5", "cannot generate");
    serves(t.can_generate, " score" + c + "--data mnist.h5 --judge judge/checkpoint.h5 --n 100",
           "cannot generate");
    serves(t.has_anomaly_score, " anomaly" + c + "--data mnist.h5 --out " + k + "-a.h5",
           "gives no anomaly score");
    serves(t.can_classify, " classify" + c + "--data mnist.h5 --out " + k + "-l.h5",
           "expected a classifier");
    serves(t.has_likelihood_bound, " eval" + c + "--data mnist.h5 --iw-samples 2",
           "--iw-samples needs a vae checkpoint");
  }
}

TEST_F(ModelKindsCli, AKindTakesItsOwnOptionsAndItsHelpShowsThem) {
  auto help = run(" train --model gan --help");
  ASSERT_EQ(help.status, 0) << help.output;
  EXPECT_NE(help.output.find("--d-steps"), std::string::npos) << help.output;
  EXPECT_EQ(help.output.find("--beta"), std::string::npos) << help.output;
  EXPECT_EQ(help.output.find("--sparsity"), std::string::npos) << help.output;
  auto all = run(" train --help");
  for (const ModelKind& kind : model_kinds())
    EXPECT_NE(all.output.find(std::string("options of --model ") + kind.name), std::string::npos)
        << kind.name;
  expect_refused(run(" train --data mnist.h5 --model gan --beta 2 --out t"),
                 {"--beta is an option of --model vae", "--model gan does not take it"});
  std::ofstream(path("ae.ini")) << "model = ae\nnoise = masking\n";
  expect_refused(run(" train --data mnist.h5 --config ae.ini --out t"),
                 {"--noise is an option of --model denoising-ae"});
  // Resumed runs too; and a checkpoint's stored options of other kinds (older latents wrote
  // every option) are read without a word.
  train_tiny("run");
  expect_refused(run(" train --resume run/checkpoint.h5 --d-steps 2"),
                 {"--d-steps is an option of --model gan"});
  EXPECT_FALSE(std::filesystem::exists(path("t")));
}

}  // namespace
}  // namespace latent
