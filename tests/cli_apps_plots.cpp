// `latent interpolate`, `plot-latent` and `plot`: PNGs of the right size drawn for real, the
// walk's ends at the two samples' codes, and a clear error without gnuplot.
#include <set>

#include "cli_apps_util.hpp"

namespace latent {
namespace {

using testing::CliTest;
using testing::kSmall;
using testing::tensor_of;
namespace fs = std::filesystem;

TEST_F(CliTest, InterpolateWalksBetweenTheTwoCodes) {
  ASSERT_EQ(
      run(std::string(" train --data mnist.h5 --model vae --max-steps 100 --out run") + kSmall)
          .status,
      0);
  ASSERT_EQ(run(" encode --checkpoint run/checkpoint.h5 --data mnist.h5 --out z.h5").status, 0);
  Tensor z = tensor_of(path("z.h5"), "/latent");
  for (std::string mode : {"", " --slerp"}) {
    auto r =
        run(" interpolate --checkpoint run/checkpoint.h5 --data mnist.h5 --from 3 --to 9000 "
            "--steps 6 --png i.png --out i.h5" +
            mode);
    ASSERT_EQ(r.status, 0) << r.output;
    // The ends are named: rows and labels (mnist-json files are in digit order: 3 is a 0, 9000
    // an 8).
    EXPECT_NE(r.output.find("from row 3 (label 0), blue frame to row 9000 (label 8), orange frame"),
              std::string::npos)
        << r.output;
    // Sample, 6 steps, sample; below, two caption lines of 10 px (the 3x5 font at scale 2).
    testing::expect_png(path("i.png"), 8 * 30 + 2, 32 + 2 * 12 + 2);
    PngImage strip = read_png(path("i.png").string());
    ASSERT_EQ(strip.channels, 3);
    auto rgb = [&](int64_t x, int64_t y) {
      const uint8_t* p = &strip.pixels[(y * strip.width + x) * 3];
      return std::array<int, 3>{p[0], p[1], p[2]};
    };
    EXPECT_EQ(rgb(0, 0), (std::array<int, 3>{80, 170, 255}));  // the first end's frame
    EXPECT_EQ(rgb(strip.width - 1, 0), (std::array<int, 3>{255, 160, 40}));  // the last's
    EXPECT_EQ(rgb(32, 0), (std::array<int, 3>{128, 128, 128}));  // between the walk's images
    int caption = 0;  // blue caption pixels under the first end
    for (int64_t y = 32; y < strip.height; ++y)
      for (int64_t x = 0; x < 60; ++x) caption += rgb(x, y)[2] == 255;
    EXPECT_GT(caption, 50);
    Tensor walk = tensor_of(path("i.h5"), "/latent");
    ASSERT_EQ(walk.shape(), (Shape{6, 8}));
    EXPECT_EQ(tensor_of(path("i.h5"), "/images").shape(), (Shape{6, 1, 28, 28}));
    for (int64_t j = 0; j < 8; ++j) {
      EXPECT_NEAR(walk.data()[j], z.data()[3 * 8 + j], 1e-5) << mode;
      EXPECT_NEAR(walk.data()[5 * 8 + j], z.data()[9000 * 8 + j], 1e-5) << mode;
    }
    fs::remove(path("i.h5"));
  }
  auto bad =
      run(" interpolate --checkpoint run/checkpoint.h5 --data mnist.h5 --from 3 --to "
          "10000 --png i.png");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.output.find("row 10000 is outside mnist.h5 (10000 samples: 0 to 9999)"),
            std::string::npos)
      << bad.output;
}

TEST_F(CliTest, PlotLatentAndPlotDrawThroughGnuplot) {
  ASSERT_EQ(run(std::string(" train --data mnist.h5 --model vae --max-steps 100 --val-data "
                            "mnist.h5 --out run") +
                kSmall)
                .status,
            0);
  auto p = run(" plot-latent --checkpoint run/checkpoint.h5 --data mnist.h5 --png map.png");
  ASSERT_EQ(p.status, 0) << p.output;
  EXPECT_NE(p.output.find("PCA of 8-d codes"), std::string::npos) << p.output;
  testing::expect_png(path("map.png"), 800, 600);
  // Ten labels in ten colours: many distinct RGB values.
  PngImage img = read_png(path("map.png").string());
  ASSERT_EQ(img.channels, 3);
  std::set<uint32_t> colours;
  for (size_t i = 0; i + 2 < img.pixels.size(); i += 3)
    colours.insert(img.pixels[i] << 16 | img.pixels[i + 1] << 8 | img.pixels[i + 2]);
  EXPECT_GT(colours.size(), 10u);
  // From codes written by encode; no temporary codes file left beside the PNG.
  ASSERT_EQ(run(" encode --checkpoint run/checkpoint.h5 --data mnist.h5 --out z.h5").status, 0);
  auto q = run(" plot-latent --latent z.h5 --png map2.png --width 400 --height 300");
  ASSERT_EQ(q.status, 0) << q.output;
  testing::expect_png(path("map2.png"), 400, 300);
  for (auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".codes"), std::string::npos) << e.path();

  auto l = run(" plot --run run");
  ASSERT_EQ(l.status, 0) << l.output;
  // Training losses, then the validation-only figure.
  EXPECT_NE(l.output.find("(loss, recon, kl, mse_per_pixel)"), std::string::npos) << l.output;
  testing::expect_png(path("run/losses.png"), 900, 4 * 260);
}

TEST_F(CliTest, PlotsFailClearlyWithoutGnuplot) {
  ASSERT_EQ(run(" train --data mnist.h5 --model ae --hidden 32 --latent 2 --max-steps 20 --out run")
                .status,
            0);
  auto r =
      testing::run_with("LATENT_GNUPLOT=/nonexistent/gnuplot", "plot --run run", dir_.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("plot: gnuplot not found"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("apt-get install gnuplot-nox"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(path("run/losses.png")));
  auto m = run(" plot --run nowhere");
  EXPECT_EQ(m.status, 1);
  EXPECT_NE(m.output.find("nowhere/metrics.jsonl: no such file"), std::string::npos) << m.output;
}

}  // namespace
}  // namespace latent
