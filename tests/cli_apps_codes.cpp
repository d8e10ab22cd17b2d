// `latent encode`, `decode`, `reconstruct` end to end, and each command refusing a checkpoint
// of the wrong model.
#include <cmath>

#include "cli_apps_util.hpp"

namespace latent {
namespace {

using testing::CliTest;
using testing::kSmall;
using testing::last_json;
using testing::shape_of;
using testing::tensor_of;
namespace fs = std::filesystem;

TEST_F(CliTest, EncodeDecodeAndReconstructAVae) {
  ASSERT_EQ(
      run(std::string(" train --data mnist.h5 --model vae --max-steps 150 --out run") + kSmall)
          .status,
      0);
  auto e = run(" encode --checkpoint run/checkpoint.h5 --data mnist.h5 --out z.h5");
  ASSERT_EQ(e.status, 0) << e.output;
  EXPECT_NE(e.output.find("encode: 100%"), std::string::npos) << "progress lines";
  EXPECT_EQ(shape_of(path("z.h5"), "/latent"), (Shape{10000, 8}));
  EXPECT_EQ(shape_of(path("z.h5"), "/logvar"), (Shape{10000, 8}));
  EXPECT_EQ(CheckpointReader(path("z.h5").string()).read_ints("/labels"),
            CheckpointReader(path("mnist.h5").string()).read_ints("/labels"));

  auto d = run(" decode --checkpoint run/checkpoint.h5 --latent z.h5 --out d.h5");
  ASSERT_EQ(d.status, 0) << d.output;
  Tensor decoded = tensor_of(path("d.h5"), "/images");
  ASSERT_EQ(decoded.shape(), (Shape{10000, 1, 28, 28}));
  for (int64_t i = 0; i < decoded.numel(); ++i) {
    ASSERT_GE(decoded.data()[i], 0.0f);
    ASSERT_LE(decoded.data()[i], 1.0f);
  }

  auto r =
      run(" reconstruct --checkpoint run/checkpoint.h5 --data mnist.h5 --out r.h5 --png r.png");
  ASSERT_EQ(r.status, 0) << r.output;
  // reconstruct = decode(encode(x)): the same images as the two steps apart.
  Tensor recon = tensor_of(path("r.h5"), "/images"), error = tensor_of(path("r.h5"), "/error");
  Tensor data = tensor_of(path("mnist.h5"), "/images");
  ASSERT_EQ(error.shape(), (Shape{10000}));
  for (int64_t i = 0; i < recon.numel(); ++i)
    ASSERT_NEAR(recon.data()[i], decoded.data()[i], 1e-5) << i;
  // /error is each sample's mean squared error; the printed mse their mean.
  double sum = 0;
  for (int64_t s = 0; s < 10000; ++s) {
    double se = 0;
    for (int64_t j = 0; j < 784; ++j) {
      double diff = recon.data()[s * 784 + j] - data.data()[s * 784 + j];
      se += diff * diff;
    }
    ASSERT_NEAR(error.data()[s], se / 784, 1e-5) << s;
    sum += error.data()[s];
  }
  EXPECT_NEAR(last_json(r.output)["mse"].get<double>(), sum / 10000, 1e-6);
  // Trained: well under the ~0.1 per pixel of predicting every pixel as its mean.
  EXPECT_LT(sum / 10000, 0.07);
  // 32 samples, 8 per row: 4 pairs of rows (originals, their reconstructions), 28 px + 2
  // padding, 4 px more between pairs.
  testing::expect_png(path("r.png"), 8 * 30 + 2, 8 * 30 + 2 + 3 * 4);
}

TEST_F(CliTest, AutoencoderCodesHaveNoLogvarAndDecodeBack) {
  ASSERT_EQ(run(std::string(" train --data mnist.h5 --model ae --max-steps 100 --out run") + kSmall)
                .status,
            0);
  auto e = run(" encode --checkpoint run/checkpoint.h5 --data mnist.h5 --out z.h5 --batch 33");
  ASSERT_EQ(e.status, 0) << e.output;
  CheckpointReader z(path("z.h5").string());
  EXPECT_EQ(z.shape("/latent"), (Shape{10000, 8}));
  EXPECT_FALSE(z.has("/logvar"));
  auto d = run(" decode --checkpoint run/checkpoint.h5 --latent z.h5 --out d.h5");
  ASSERT_EQ(d.status, 0) << d.output;
  EXPECT_EQ(shape_of(path("d.h5"), "/images"), (Shape{10000, 1, 28, 28}));
}

TEST_F(CliTest, ApplicationsRefuseACheckpointOfTheWrongModel) {
  ASSERT_EQ(
      run(" train --data mnist.h5 --model ae --hidden 32 --latent 4 --max-steps 5 --out ae").status,
      0);
  ASSERT_EQ(run(" train --data mnist.h5 --model gan --hidden 32 --latent 8 --max-steps 5 --out gan")
                .status,
            0);
  auto g = run(" generate --checkpoint ae/checkpoint.h5 --n 10 --out g.h5");
  EXPECT_EQ(g.status, 1);
  EXPECT_NE(g.output.find("holds model 'ae', which cannot generate"), std::string::npos)
      << g.output;
  auto e = run(" encode --checkpoint gan/checkpoint.h5 --data mnist.h5 --out z.h5");
  EXPECT_EQ(e.status, 1);
  EXPECT_NE(e.output.find("model gan has no encoder"), std::string::npos) << e.output;
  auto a = run(" anomaly --checkpoint gan/checkpoint.h5 --data mnist.h5 --out s.h5");
  EXPECT_EQ(a.status, 1);
  EXPECT_NE(a.output.find("model gan gives no anomaly score"), std::string::npos) << a.output;
  // Codes of 8 (from a GAN-sized file) into a decoder of 4.
  ASSERT_EQ(run(" generate --checkpoint gan/checkpoint.h5 --n 10 --out g.h5").status, 0);
  ASSERT_EQ(run(" train --data mnist.h5 --model vae --hidden 32 --latent 8 --max-steps 5 --out vae")
                .status,
            0);
  ASSERT_EQ(run(" encode --checkpoint vae/checkpoint.h5 --data mnist.h5 --out z8.h5").status, 0);
  auto d = run(" decode --checkpoint ae/checkpoint.h5 --latent z8.h5 --out d.h5");
  EXPECT_EQ(d.status, 1);
  EXPECT_NE(d.output.find("holds codes of (8) but checkpoint ae/checkpoint.h5 (ae) decodes codes "
                          "of (4)"),
            std::string::npos)
      << d.output;
  // A refused command leaves no output behind.
  for (auto f : {"z.h5", "s.h5", "d.h5"}) EXPECT_FALSE(fs::exists(path(f))) << f;
  auto m = run(" reconstruct --checkpoint ae/checkpoint.h5 --out r.h5");
  EXPECT_EQ(m.status, 1);
  EXPECT_NE(m.output.find("reconstruct: --data is required"), std::string::npos) << m.output;
}

}  // namespace
}  // namespace latent
