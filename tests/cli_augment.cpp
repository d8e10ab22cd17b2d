// Augmentation end to end: `latent subset` (a train/val split as train makes it, and
// concatenation), `latent classify` (a classifier's labels as a dataset, the same under
// mpirun), and scripts/augment.sh on a tiny subset.
#include "cli_apps_util.hpp"

namespace latent {
namespace {

using testing::CliTest;
using testing::last_json;
using testing::shape_of;
using testing::tensor_of;
namespace fs = std::filesystem;

int64_t rows_in(const fs::path& file) {
  return shape_of(file, "/images")[0];
}

TEST_F(CliTest, SubsetSplitsAsTrainDoesAndConcatenates) {
  for (const char* part : {"train", "val"}) {
    auto r = run(std::string(" subset --data mnist.h5 --val-fraction 0.2 --seed 7 --part ") + part +
                 " --out " + part + ".h5");
    ASSERT_EQ(r.status, 0) << r.output;
  }
  const int64_t train = rows_in(path("train.h5")), val = rows_in(path("val.h5"));
  EXPECT_EQ(train + val, 10000);
  EXPECT_NEAR(val, 2000, 150);
  // The same held-out rows train validates on: its validation accuracy is eval's on val.h5.
  auto t =
      run(" train --data mnist.h5 --model classifier --hidden 16 --latent 8 --max-steps 20 "
          "--val-fraction 0.2 --seed 7 --threads 1 --out run");
  ASSERT_EQ(t.status, 0) << t.output;
  auto metrics = last_json(testing::read_text(path("run/metrics.jsonl")));
  ASSERT_EQ(metrics["split"], "val");
  auto e = run(" eval --checkpoint run/checkpoint.h5 --data val.h5 --threads 1");
  ASSERT_EQ(e.status, 0) << e.output;
  EXPECT_NEAR(last_json(e.output)["accuracy"].get<double>(), metrics["accuracy"].get<double>(),
              1e-9);

  // Concatenation keeps rows and labels in order.
  auto c = run(" subset --data val.h5 --data train.h5 --out both.h5");
  ASSERT_EQ(c.status, 0) << c.output;
  Tensor both = tensor_of(path("both.h5"), "/images"), v = tensor_of(path("val.h5"), "/images"),
         tr = tensor_of(path("train.h5"), "/images");
  ASSERT_EQ(both.dim(0), 10000);
  EXPECT_EQ(both.data()[0], v.data()[0]);
  EXPECT_EQ(both.data()[val * 784 + 300], tr.data()[300]);
  auto labels = CheckpointReader(path("both.h5").string()).read_ints("/labels");
  auto val_labels = CheckpointReader(path("val.h5").string()).read_ints("/labels");
  EXPECT_EQ(labels[val - 1], val_labels[val - 1]);

  auto bad = run(" subset --data mnist.h5 --part val --out x.h5");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.output.find("--part val needs --val-fraction above 0"), std::string::npos)
      << bad.output;
  EXPECT_FALSE(fs::exists(path("x.h5")));
}

TEST_F(CliTest, ClassifyWritesPredictedLabelsThatEvalAgreesWith) {
  auto t =
      run(" train --data mnist.h5 --model classifier --hidden 64 --latent 16 --batch 100 "
          "--max-steps 150 --threads 1 --out run");
  ASSERT_EQ(t.status, 0) << t.output;
  auto c = run(" classify --checkpoint run/checkpoint.h5 --data mnist.h5 --out l.h5 --batch 77");
  ASSERT_EQ(c.status, 0) << c.output;
  EXPECT_EQ(shape_of(path("l.h5"), "/images"), (Shape{10000, 1, 28, 28}));
  auto predicted = CheckpointReader(path("l.h5").string()).read_ints("/labels");
  auto truth = CheckpointReader(path("mnist.h5").string()).read_ints("/labels");
  ASSERT_EQ(predicted.size(), 10000u);
  int64_t agree = 0;
  for (size_t i = 0; i < truth.size(); ++i) agree += predicted[i] == truth[i];
  // The share of predictions equal to the truth is eval's accuracy.
  auto e = run(" eval --checkpoint run/checkpoint.h5 --data mnist.h5 --threads 1");
  ASSERT_EQ(e.status, 0) << e.output;
  EXPECT_NEAR(agree / 10000.0, last_json(e.output)["accuracy"].get<double>(), 1e-9);
  EXPECT_GT(agree, 8000);
  // The labelled file is data with labels: the classifier agrees with itself on all of it.
  auto self = run(" eval --checkpoint run/checkpoint.h5 --data l.h5 --threads 1");
  ASSERT_EQ(self.status, 0) << self.output;
  EXPECT_EQ(last_json(self.output)["accuracy"].get<double>(), 1.0);

  ASSERT_TRUE(testing::have_mpirun()) << "no mpirun: scripts/setup.sh installs openmpi-bin";
  auto two = testing::run_with(
      testing::kMpirun2,
      " classify --checkpoint run/checkpoint.h5 --data mnist.h5 --out l2.h5 --threads 1",
      dir_.string());
  ASSERT_EQ(two.status, 0) << two.output;
  EXPECT_EQ(CheckpointReader(path("l2.h5").string()).read_ints("/labels"), predicted);

  ASSERT_EQ(run(" train --data mnist.h5 --model ae --hidden 16 --latent 4 --max-steps 2 "
                "--threads 1 --out ae")
                .status,
            0);
  auto bad = run(" classify --checkpoint ae/checkpoint.h5 --data mnist.h5 --out x.h5");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.output.find("holds model 'ae'; expected a classifier"), std::string::npos)
      << bad.output;
}

// scripts/augment.sh on a tiny subset (ENV: extra variables); its output, or a failure.
std::string run_augment(const fs::path& dir, const std::string& env) {
  const fs::path script = fs::path(__FILE__).parent_path().parent_path() / "scripts/augment.sh";
  const std::string cmd = "cd '" + dir.string() + "' && LATENT=" + LATENT_BIN +
                          " AUG_DATA=mnist.h5 AUG_REAL=300 AUG_N=200 AUG_CLS_EPOCHS=4 "
                          "AUG_VAE_EPOCHS=4 AUG_THREADS=1 " +
                          env + " " + script.string() + " aug 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  EXPECT_EQ(pclose(p), 0) << out;
  return out;
}

TEST_F(CliTest, AugmentScriptRunsEndToEndOnATinySubset) {
  const std::string out = run_augment(dir_, "");
  auto j = last_json(out);
  EXPECT_EQ(j["generated"], 200);
  EXPECT_EQ(j["generator"], "vae");
  EXPECT_EQ(j["real"].get<int64_t>() + j["held_out"].get<int64_t>(), 10000);
  EXPECT_NEAR(j["real"].get<double>(), 300, 60);
  // Tiny runs, but both classifiers learned something on the held-out digits.
  EXPECT_GT(j["accuracy_real"].get<double>(), 0.4) << out;
  EXPECT_GT(j["accuracy_augmented"].get<double>(), 0.4) << out;
  EXPECT_EQ(rows_in(path("aug/augmented.h5")), j["real"].get<int64_t>() + 200);
  EXPECT_TRUE(fs::exists(path("aug/generated.png")));
}

// With a conditional VAE the samples keep the classes they were generated for.
TEST_F(CliTest, AugmentScriptWithAConditionalGenerator) {
  const std::string out = run_augment(dir_, "AUG_CONDITIONAL=1");
  auto j = last_json(out);
  EXPECT_EQ(j["generator"], "cvae");
  EXPECT_EQ(rows_in(path("aug/augmented.h5")), j["real"].get<int64_t>() + 200);
  EXPECT_NE(out.find("the judge agrees with the requested class on "), std::string::npos) << out;
  EXPECT_EQ(out.find("requested class on ?"), std::string::npos) << out;  // score gave a figure
  EXPECT_NE(out.find("generated (requested classes)"), std::string::npos) << out;
  EXPECT_GT(j["accuracy_augmented"].get<double>(), 0.4) << out;
}

}  // namespace
}  // namespace latent
