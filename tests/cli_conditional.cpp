// Issue 23: conditional models (cvae, cgan) generate the class they are asked for, the
// generator's moving average is kept and used, and the commands take a class.
#include "cli_reliability_util.hpp"
#include "io/png_file.hpp"

namespace latent {
namespace {

using testing::expect_refused;
using testing::last_json;
using testing::read_text;

class Conditional : public testing::ReliabilityTest {
 protected:
  // A judge: an mlp classifier of the digits (95 % held out in 10 epochs).
  void train_judge() {
    auto r =
        run(" train --data mnist.h5 --model classifier --hidden 512 --latent 128 --threads 1 "
            "--epochs 10 --out judge");
    ASSERT_EQ(r.status, 0) << r.output;
  }
  double agreement(const std::string& checkpoint) {
    auto s = run(" score --checkpoint " + checkpoint +
                 " --data mnist.h5 --judge judge/checkpoint.h5 --n 2000");
    EXPECT_EQ(s.status, 0) << s.output;
    return last_json(s.output)["judge_agrees_with_class"].get<double>();
  }
};

TEST_F(Conditional, AConditionalVaeGeneratesTheClassItIsAskedFor) {
  train_judge();
  // A 2-d code leaves the class to the label (a wider one keeps some of it in z).
  auto r =
      run(" train --data mnist.h5 --model vae --conditional --hidden 400 --latent 2 "
          "--threads 1 --epochs 15 --ema-half-life 20000 --out cvae");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(read_text(path("cvae/config.ini")).find("model = cvae"), std::string::npos);
  EXPECT_NE(read_text(path("cvae/config.ini")).find("num-classes = 10"), std::string::npos);
  // Balanced classes by default (sample i of class i mod 10); the judge agrees on >= 90 %.
  EXPECT_GE(agreement("cvae/checkpoint.h5"), 0.9);
  // One row of 8 samples per class in the epoch grid, raw and EMA weights.
  for (const char* grid : {"cvae/samples.png", "cvae/samples_ema.png"}) {
    PngImage png = read_png(path(grid).string());
    EXPECT_EQ(png.height, 2 + 10 * (28 + 2)) << grid;
    EXPECT_EQ(png.width, 2 + 8 * (28 + 2)) << grid;
  }
  // --class: every sample of that class, labelled so in the file.
  auto g = run(" generate --checkpoint cvae/checkpoint.h5 --n 200 --class 7 --out g7.h5");
  ASSERT_EQ(g.status, 0) << g.output;
  std::vector<int64_t> labels = CheckpointReader(path("g7.h5").string()).read_ints("/labels");
  EXPECT_EQ(labels, std::vector<int64_t>(200, 7));
  auto c = run(" classify --checkpoint judge/checkpoint.h5 --data g7.h5 --out c7.h5");
  ASSERT_EQ(c.status, 0) << c.output;
  int sevens = 0;
  for (int64_t l : CheckpointReader(path("c7.h5").string()).read_ints("/labels")) sevens += l == 7;
  EXPECT_GE(sevens, 180);
  // Encode with the labels, decode with them; interpolate within one class.
  ASSERT_EQ(run(" encode --checkpoint cvae/checkpoint.h5 --data mnist.h5 --out z.h5").status, 0);
  ASSERT_EQ(run(" decode --checkpoint cvae/checkpoint.h5 --latent z.h5 --out d.h5").status, 0);
  auto walk =
      run(" interpolate --checkpoint cvae/checkpoint.h5 --data mnist.h5 --from 0 --to 1 "
          "--class 4 --png walk.png");
  ASSERT_EQ(walk.status, 0) << walk.output;
  EXPECT_NE(walk.output.find("within class 4"), std::string::npos) << walk.output;
  // Bad requests, named.
  expect_refused(run(" generate --checkpoint cvae/checkpoint.h5 --n 10 --class 10 --out x.h5"),
                 {"--class 10: expected 0 to 9"});
  expect_refused(run(" generate --checkpoint judge/checkpoint.h5 --n 10 --out x.h5"),
                 {"holds model 'classifier', which cannot generate"});
  std::ofstream(path("plain.ini")) << "model = vae\nhidden = 32\nlatent = 4\nthreads = 1\n";
  ASSERT_EQ(run(" train --data mnist.h5 --config plain.ini --max-steps 3 --out vae").status, 0);
  expect_refused(run(" generate --checkpoint vae/checkpoint.h5 --n 10 --class 3 --out x.h5"),
                 {"--class 3: model vae is not conditional (cvae and cgan are"});
  expect_refused(run(" generate --checkpoint vae/checkpoint.h5 --n 10 --weights ema --out x.h5"),
                 {"--weights ema", "keeps no moving average", "--ema-half-life"});
  EXPECT_FALSE(std::filesystem::exists(path("x.h5")));
}

// The conditional GAN learns the class more slowly than the cvae: on the 10,000 digits its
// samples agree with the asked class on 23 % of them after 100 epochs at the DCGAN rates
// (2e-4) and 83 % after 300; at 5e-4, 87 % after 100 (34 s on one thread). The bar here is
// 60 %, six times chance.
TEST_F(Conditional, AConditionalGanGeneratesTheClassAtALowerBar) {
  train_judge();
  auto r =
      run(" train --data mnist.h5 --model gan --conditional --arch mlp --hidden 256 --latent 64 "
          "--lr-d 0.0005 --lr-g 0.0005 --adam-beta1 0.5 --batch 128 --threads 1 --epochs 100 "
          "--log-every 100000 --out cgan");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(read_text(path("cgan/config.ini")).find("model = cgan"), std::string::npos);
  EXPECT_GE(agreement("cgan/checkpoint.h5"), 0.6);
}

TEST_F(Conditional, AConditionalModelNeedsLabelsAndTheRightKind) {
  // Data without labels: refused before training, naming the dataset.
  ASSERT_EQ(run(" subset --data mnist.h5 --labels-dataset nothing --out nolabels.h5").status, 0);
  expect_refused(run(" train --data nolabels.h5 --model vae --conditional --hidden 16 --latent 2 "
                     "--threads 1 --out c"),
                 {"nolabels.h5: no /labels dataset", "the model trains on labels"});
  expect_refused(run(" train --data mnist.h5 --model ae --conditional --out c"),
                 {"--conditional: --model ae has no conditional kind (vae, gan have)"});
  // A conditional checkpoint's commands need the samples' classes.
  ASSERT_EQ(run(" train --data mnist.h5 --model cgan --hidden 32 --latent 4 --threads 1 "
                "--max-steps 5 --out cgan")
                .status,
            0);
  expect_refused(run(" generate --checkpoint cgan/checkpoint.h5 --n 5 --class -1 --out x.h5"),
                 {"--class -1: expected 0 to 9"});
  auto g = run(" generate --checkpoint cgan/checkpoint.h5 --n 20 --out g.h5");
  ASSERT_EQ(g.status, 0) << g.output;
  std::vector<int64_t> balanced = CheckpointReader(path("g.h5").string()).read_ints("/labels");
  for (int64_t i = 0; i < 20; ++i) EXPECT_EQ(balanced[i], i % 10);
  expect_refused(run(" reconstruct --checkpoint cgan/checkpoint.h5 --data nolabels.h5 --out r.h5"),
                 {"no encoder"});
  EXPECT_FALSE(std::filesystem::exists(path("c")));
}

}  // namespace
}  // namespace latent
