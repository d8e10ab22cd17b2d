// `latent denoise` and `latent generate` end to end: denoised images are closer to the clean
// ones than the noisy input; generated samples train another model (augmentation).
#include "cli_apps_util.hpp"

namespace latent {
namespace {

using testing::CliTest;
using testing::kSmall;
using testing::last_json;
using testing::shape_of;
using testing::tensor_of;

TEST_F(CliTest, DenoisedImagesAreCloserToTheCleanOnesThanTheNoisy) {
  ASSERT_EQ(run(std::string(" train --data mnist.h5 --model denoising-ae --noise gaussian "
                            "--noise-level 0.4 --max-steps 200 --out run") +
                kSmall)
                .status,
            0);
  auto d =
      run(" denoise --checkpoint run/checkpoint.h5 --data mnist.h5 --noise gaussian "
          "--noise-level 0.4 --out d.h5 --png d.png");
  ASSERT_EQ(d.status, 0) << d.output;
  auto j = last_json(d.output);
  double noisy = j["mse_noisy"], denoised = j["mse_denoised"];
  EXPECT_NEAR(noisy, 0.16, 0.01) << "σ = 0.4";
  EXPECT_LT(denoised, 0.5 * noisy) << d.output;
  for (auto name : {"/noisy", "/images"})
    EXPECT_EQ(shape_of(path("d.h5"), name), (Shape{10000, 1, 28, 28})) << name;
  Tensor error = tensor_of(path("d.h5"), "/error");
  ASSERT_EQ(error.shape(), (Shape{10000}));
  double sum = 0;
  for (int64_t i = 0; i < 10000; ++i) sum += error.data()[i];
  EXPECT_NEAR(sum / 10000, denoised, 1e-6);
  // 16 samples, 8 per row: 2 groups of rows (clean, noisy, denoised), 4 px between groups.
  testing::expect_png(path("d.png"), 8 * 30 + 2, 6 * 30 + 2 + 4);
  // The denoised file is data again: denoise it as given (--noise none).
  auto again = run(" denoise --checkpoint run/checkpoint.h5 --data d.h5 --noise none --out e.h5");
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_EQ(last_json(again.output)["mse_noisy"], 0.0);
}

TEST_F(CliTest, GeneratedSamplesTrainAnotherModel) {
  ASSERT_EQ(
      run(std::string(" train --data mnist.h5 --model vae --max-steps 150 --out run") + kSmall)
          .status,
      0);
  auto g = run(" generate --checkpoint run/checkpoint.h5 --n 500 --out g.h5 --png g.png --seed 3");
  ASSERT_EQ(g.status, 0) << g.output;
  Tensor images = tensor_of(path("g.h5"), "/images");
  ASSERT_EQ(images.shape(), (Shape{500, 1, 28, 28}));
  double mean = 0;
  for (int64_t i = 0; i < images.numel(); ++i) {
    ASSERT_GE(images.data()[i], 0.0f);
    ASSERT_LE(images.data()[i], 1.0f);
    mean += images.data()[i];
  }
  mean /= static_cast<double>(images.numel());
  // MNIST's mean pixel is ~0.13; a briefly trained VAE's samples are blurrier (greyer), but
  // neither blank nor white.
  EXPECT_GT(mean, 0.05);
  EXPECT_LT(mean, 0.45);
  testing::expect_png(path("g.png"), 8 * 30 + 2, 8 * 30 + 2);
  // Sample i depends on (seed, i) only, not on the batch split.
  ASSERT_EQ(
      run(" generate --checkpoint run/checkpoint.h5 --n 500 --out g7.h5 --seed 3 --batch 7").status,
      0);
  Tensor again = tensor_of(path("g7.h5"), "/images");
  for (int64_t i = 0; i < images.numel(); ++i)
    ASSERT_NEAR(images.data()[i], again.data()[i], 1e-5) << i;

  // An autoencoder trained on the generated digits alone learns them (their BCE has a floor, as
  // their pixels are grey: the pixel error shows it), and what it learned carries over to the
  // real digits it never saw: well under the untrained 543 nats.
  auto t =
      run(" train --data g.h5 --model ae --hidden 64 --latent 8 --batch 50 --epochs 20 "
          "--log-every 10 --out aug");
  ASSERT_EQ(t.status, 0) << t.output;
  auto on_generated = run(" eval --checkpoint aug/checkpoint.h5 --data g.h5");
  ASSERT_EQ(on_generated.status, 0) << on_generated.output;
  EXPECT_LT(last_json(on_generated.output)["mse_per_pixel"].get<double>(), 0.01)  // measured 0.002
      << on_generated.output;
  auto on_real = run(" eval --checkpoint aug/checkpoint.h5 --data mnist.h5");
  ASSERT_EQ(on_real.status, 0) << on_real.output;
  EXPECT_LT(last_json(on_real.output)["loss"].get<double>(), 300) << on_real.output;  // 228

  ASSERT_EQ(
      run(" train --data mnist.h5 --model gan --hidden 32 --latent 8 --max-steps 10 --out gan")
          .status,
      0);
  auto gg = run(" generate --checkpoint gan/checkpoint.h5 --n 20 --out gg.h5");
  ASSERT_EQ(gg.status, 0) << gg.output;
  EXPECT_EQ(shape_of(path("gg.h5"), "/images"), (Shape{20, 1, 28, 28}));
}

}  // namespace
}  // namespace latent
