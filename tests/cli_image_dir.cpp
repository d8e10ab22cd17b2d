// `latent convert --from image-dir` end to end (issue 23): a class folder of PNGs and JPEGs of
// mixed sizes and kinds becomes a dataset a conditional conv model trains on; bad options are
// named.
#include "cli_reliability_util.hpp"
#include "image_fixtures.hpp"

namespace latent {
namespace {

using testing::expect_refused;
using testing::pattern_image;

class ImageDirCli : public testing::ReliabilityTest {
 protected:
  // Two classes, "leaf" and "stone", each PNGs and JPEGs, grey and colour, of four sizes.
  void make_pictures() {
    for (int k = 0; k < 2; ++k) {
      const std::string cls = k == 0 ? "leaf" : "stone";
      std::filesystem::create_directories(path("photos/" + cls));
      for (int i = 0; i < 8; ++i) {
        const int64_t w = 20 + 6 * (i % 4), h = 16 + 4 * (i % 3);
        PngImage img = pattern_image(w, h, i % 3 == 0 ? 1 : 3, [&](int64_t x, int64_t y, int c) {
          return k == 0 ? (x * 9 + c * 60) % 256 : (y * 11 + i * 5) % 256;
        });
        const std::string name = path("photos/" + cls + "/" + std::to_string(i)).string();
        if (i % 2)
          testing::write_jpeg(name + ".jpg", img);
        else
          write_png(name + ".png", img);
      }
    }
  }
};

TEST_F(ImageDirCli, MixedPicturesConvertAndTrainAConditionalConvModel) {
  make_pictures();
  auto mixed = run(" convert --from image-dir photos --out x.h5");
  expect_refused(mixed, {"pixels but", "images of mixed sizes", "--size HxW"});
  EXPECT_FALSE(std::filesystem::exists(path("x.h5")));

  auto c = run(" convert --from image-dir photos --size 12x16 --out pics.h5");
  ASSERT_EQ(c.status, 0) << c.output;
  EXPECT_NE(c.output.find("16 samples of (3, 12, 16) uint8, with labels"), std::string::npos)
      << c.output;
  EXPECT_NE(c.output.find("grey images stored as colour"), std::string::npos) << c.output;
  auto info = run(" info pics.h5");
  EXPECT_NE(info.output.find("leaf,stone"), std::string::npos) << info.output;

  // Non-square, 3 channels, conditional, conv: the decoder's output fits 12x16.
  auto t =
      run(" train --data pics.h5 --model vae --conditional --arch conv --conv-widths 8,16 "
          "--latent 4 --batch 8 --threads 1 --epochs 2 --out cv");
  ASSERT_EQ(t.status, 0) << t.output;
  auto g = run(" generate --checkpoint cv/checkpoint.h5 --n 4 --class 1 --out g.h5");
  ASSERT_EQ(g.status, 0) << g.output;
  EXPECT_EQ(testing::shape_of(path("g.h5"), "/images"), (Shape{4, 3, 12, 16}));
}

TEST_F(ImageDirCli, BadOptionsAreNamed) {
  make_pictures();
  expect_refused(run(" convert --from image-dir photos --size 0x4 --out x.h5"),
                 {"--size 0x4: expected HxW"});
  expect_refused(run(" convert --from image-dir photos --size 12x --out x.h5"),
                 {"--size 12x: expected HxW"});
  expect_refused(run(" convert --from image-dir photos --size 8 --channels 2 --out x.h5"),
                 {"--channels 2: expected 1 or 3"});
  expect_refused(run(" convert --from csv photos --size 8x8 --out x.h5"),
                 {"--size, --channels and --skip-bad apply to --from image-dir only"});
  expect_refused(run(" convert --from image-dir nowhere --out x.h5"), {"nowhere: no such folder"});
  EXPECT_FALSE(std::filesystem::exists(path("x.h5")));
  // png-dir is the same reader.
  auto p = run(" convert --from png-dir photos --size 8 --channels 1 --out p.h5");
  ASSERT_EQ(p.status, 0) << p.output;
  EXPECT_NE(p.output.find("16 samples of (1, 8, 8) uint8"), std::string::npos) << p.output;
}

}  // namespace
}  // namespace latent
