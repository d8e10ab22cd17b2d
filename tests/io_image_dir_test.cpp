// The image-dir converter (issue 23): PNG and JPEG folders with class sub-folders, mixed sizes
// fitted with --size (centre crop, area filter), grey and colour mixed, alpha dropped, damaged
// files named or skipped; the JPEG reader and the resize on their own.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "image_fixtures.hpp"
#include "io/converters.hpp"
#include "io/file_info.hpp"
#include "io/image_file.hpp"
#include "io/image_resize.hpp"
#include "io/jpeg_file.hpp"
#include "io/read_all.hpp"
#include "io_test_util.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

using test::error_of;

using testing::pattern_image;
using testing::write_jpeg;
using testing::write_jpeg_pixels;
using testing::write_rgba_png;
namespace fs = std::filesystem;

// Sample i's value at (channel, y, x), in 0..255, of a (N, C, H, W) dataset read back.
struct Stored {
  LoadedDataset data;
  int value(int64_t i, int64_t c, int64_t y, int64_t x) const {
    const Shape& s = data.images.shape();
    return static_cast<int>(
        std::lround(data.images.data()[((i * s[1] + c) * s[2] + y) * s[3] + x] * 255.0f));
  }
};

class ImageDir : public ::testing::Test {
 protected:
  std::string folder(const std::string& name) {
    fs::create_directories(dir_.file(name));
    return dir_.file(name);
  }
  // Converts `d` collecting the notes.
  Stored convert(const std::string& d, ImageDirOptions o = {}, ConvertSummary* summary = nullptr) {
    o.note = [this](const std::string& text) { notes_ += text + "\n"; };
    ConvertSummary s = convert_image_dir(d, dir_.file("out.h5"), o);
    if (summary) *summary = s;
    return Stored{read_all(test::file_spec(dir_.file("out.h5")))};
  }
  test::TempDir dir_;
  std::string notes_;
};

TEST_F(ImageDir, PngAndJpegClassFoldersMixGreyAndColour) {
  const std::string d = folder("pets");
  fs::create_directories(d + "/cat");
  fs::create_directories(d + "/dog");
  // A smooth colour picture (JPEG keeps it within a few levels) and a grey PNG, exact.
  PngImage colour = pattern_image(
      20, 16, 3, [](int64_t x, int64_t y, int c) { return 40 + 4 * x + 3 * y + 30 * c; });
  PngImage grey = pattern_image(20, 16, 1, [](int64_t x, int64_t y, int) { return 7 * x + y; });
  write_jpeg(d + "/cat/b.jpg", colour);
  write_png(d + "/cat/a.png", grey);
  write_jpeg(d + "/dog/c.JPEG", colour);
  std::ofstream(d + "/dog/notes.txt") << "not a picture";
  std::ofstream(d + "/.DS_Store") << "hidden";
  ConvertSummary s;
  Stored out = convert(d, {}, &s);
  EXPECT_EQ(s.sample_shape, (Shape{3, 16, 20}));
  EXPECT_EQ(s.label_names, (std::vector<std::string>{"cat", "dog"}));
  EXPECT_EQ(out.data.labels, (std::vector<int>{0, 0, 1}));
  EXPECT_NE(describe_file(dir_.file("out.h5")).find("@names = cat,dog"), std::string::npos);
  // Sorted by name within a class: a.png, then b.jpg. Grey is repeated into R, G and B.
  for (int c = 0; c < 3; ++c)
    for (int64_t y = 0; y < 16; y += 5)
      for (int64_t x = 0; x < 20; x += 3) EXPECT_EQ(out.value(0, c, y, x), 7 * x + y);
  for (int c = 0; c < 3; ++c)
    for (int64_t y = 0; y < 16; y += 5)
      for (int64_t x = 0; x < 20; x += 3)
        EXPECT_NEAR(out.value(1, c, y, x), 40 + 4 * x + 3 * y + 30 * c, 6);
  EXPECT_NE(notes_.find("1 grey images stored as colour"), std::string::npos) << notes_;
  EXPECT_NE(notes_.find("ignored 1 entries"), std::string::npos) << notes_;

  // --channels 1: colour to BT.601 luma.
  ImageDirOptions o;
  o.channels = 1;
  Stored g = convert(d, o, &s);
  EXPECT_EQ(s.sample_shape, (Shape{1, 16, 20}));
  const int r = 40 + 4 * 2 + 3 * 3, gr = r + 30, b = r + 60;
  EXPECT_NEAR(g.value(1, 0, 3, 2), 0.299 * r + 0.587 * gr + 0.114 * b, 6);
  EXPECT_EQ(g.value(0, 0, 3, 2), 7 * 2 + 3);
}

TEST_F(ImageDir, MixedSizesAreRefusedByNameAndFittedWithSize) {
  const std::string d = folder("frames");
  // 16x16 of 2x2 blocks, each its own value; and 24 wide by 16 high with 4-column bright
  // borders around a dark middle.
  write_png(d + "/a.png", pattern_image(16, 16, 1, [](int64_t x, int64_t y, int) {
              return 10 * (x / 2) + 3 * (y / 2);
            }));
  write_jpeg(d + "/b.jpg", pattern_image(24, 16, 1, [](int64_t x, int64_t, int) {
               return x < 4 || x >= 20 ? 250 : 5;
             }));
  std::string e = error_of([&] { convert(d); });
  EXPECT_NE(e.find("a.png is 16x16 pixels but"), std::string::npos) << e;
  EXPECT_NE(e.find("b.jpg is 24x16"), std::string::npos) << e;
  EXPECT_NE(e.find("--size HxW"), std::string::npos) << e;
  EXPECT_FALSE(fs::exists(dir_.file("out.h5")));

  ImageDirOptions o;
  o.height = 8;
  o.width = 8;
  ConvertSummary s;
  Stored out = convert(d, o, &s);
  EXPECT_EQ(s.sample_shape, (Shape{1, 8, 8}));
  EXPECT_FALSE(s.labels);
  // The area filter averages each 2x2 block into one pixel: exactly its value.
  for (int64_t y = 0; y < 8; ++y)
    for (int64_t x = 0; x < 8; ++x) EXPECT_EQ(out.value(0, 0, y, x), 10 * x + 3 * y);
  // The centre crop (16x16 of the middle) leaves the borders out: dark everywhere.
  for (int64_t y = 0; y < 8; ++y)
    for (int64_t x = 0; x < 8; ++x) EXPECT_LE(out.value(1, 0, y, x), 20) << x << "," << y;
}

TEST_F(ImageDir, ADamagedJpegIsNamedOrSkippedAndCounted) {
  const std::string d = folder("camera");
  PngImage img = pattern_image(
      32, 32, 3, [](int64_t x, int64_t y, int c) { return (x * 8 + y * 3 + c * 50) % 256; });
  write_jpeg(d + "/0001.jpg", img);
  write_jpeg(d + "/0002.jpg", img);
  write_jpeg(d + "/0003.jpg", img);
  // Cut short: the header reads, the pixels do not.
  fs::resize_file(d + "/0002.jpg", fs::file_size(d + "/0002.jpg") / 2);
  // Found by the header pass, before anything is written.
  std::ofstream(d + "/0004.jpg") << "<html>404</html>";
  std::string e = error_of([&] { convert(d); });
  EXPECT_NE(e.find("0004.jpg: neither a PNG nor a JPEG"), std::string::npos) << e;
  EXPECT_NE(e.find("--skip-bad"), std::string::npos) << e;
  // Found by the pixel pass, with the output abandoned.
  fs::remove(d + "/0004.jpg");
  e = error_of([&] { convert(d); });
  EXPECT_NE(e.find("0002.jpg: not a valid JPEG (the file ends before the image)"),
            std::string::npos)
      << e;
  EXPECT_FALSE(fs::exists(dir_.file("out.h5")));

  std::ofstream(d + "/0004.jpg") << "<html>404</html>";
  ImageDirOptions o;
  o.skip_bad = true;
  ConvertSummary s;
  Stored out = convert(d, o, &s);
  EXPECT_EQ(s.samples, 2);
  EXPECT_EQ(s.skipped, 2);
  EXPECT_NE(notes_.find("skipped " + d + "/0002.jpg"), std::string::npos) << notes_;
  EXPECT_NE(notes_.find("0004.jpg: neither a PNG nor a JPEG"), std::string::npos) << notes_;
  // Nothing readable at all: refused even when skipping.
  const std::string empty = folder("broken");
  std::ofstream(empty + "/x.png") << "junk";
  o.note = nullptr;
  EXPECT_NE(error_of([&] {
              convert_image_dir(empty, dir_.file("b.h5"), o);
            }).find("no readable PNG or JPEG files"),
            std::string::npos);
}

TEST_F(ImageDir, AlphaIsDroppedWithANote) {
  const std::string d = folder("icons");
  std::vector<uint8_t> rgba;
  for (int p = 0; p < 4 * 4; ++p) rgba.insert(rgba.end(), {200, 100, 50, uint8_t(p * 16)});
  write_rgba_png(d + "/icon.png", 4, 4, rgba);
  ConvertSummary s;
  Stored out = convert(d, {}, &s);
  EXPECT_EQ(s.sample_shape, (Shape{3, 4, 4}));
  EXPECT_EQ(out.value(0, 0, 1, 1), 200);
  EXPECT_EQ(out.value(0, 2, 3, 3), 50);
  EXPECT_NE(notes_.find("alpha dropped from 1 images"), std::string::npos) << notes_;
}

TEST_F(ImageDir, CmykJpegsBecomeRgb) {
  // Photoshop's convention, which libjpeg writes with an Adobe marker: 255 is no ink.
  const std::string path = dir_.file("print.jpg");
  std::vector<uint8_t> cmyk;
  for (int p = 0; p < 8 * 8; ++p)
    cmyk.insert(cmyk.end(), {uint8_t(p < 32 ? 255 : 0), 255, 255, 255});
  write_jpeg_pixels(path, 8, 8, 4, JCS_CMYK, cmyk);
  PngImage img = read_image(path);
  ASSERT_EQ(img.channels, 3);
  EXPECT_NEAR(img.pixels[0], 255, 4);        // top half: paper, white
  EXPECT_NEAR(img.pixels[7 * 8 * 3], 0, 4);  // bottom half: full cyan, no red
  EXPECT_NEAR(img.pixels[7 * 8 * 3 + 1], 255, 4);
}

TEST(ImageResize, TheAreaFilterAveragesAndEnlarges) {
  // 4x2 → 2x1: pairs averaged; 3x3 → 2x2: the middle column split between both.
  PngImage row = pattern_image(4, 2, 1, [](int64_t x, int64_t, int) { return 10 * x; });
  EXPECT_EQ(fit_to_size(row, 1, 2).pixels, (std::vector<uint8_t>{5, 25}));
  PngImage three = pattern_image(3, 3, 1, [](int64_t x, int64_t, int) { return 30 * x; });
  // (0 + 0.5 * 30) / 1.5 = 10 and (0.5 * 30 + 60) / 1.5 = 50.
  EXPECT_EQ(fit_to_size(three, 2, 2).pixels, (std::vector<uint8_t>{10, 50, 10, 50}));
  // 2x2 → 4x4: each source pixel becomes a 2x2 block.
  PngImage small = pattern_image(2, 2, 1, [](int64_t x, int64_t y, int) { return 100 * y + x; });
  PngImage big = fit_to_size(small, 4, 4);
  EXPECT_EQ(big.pixels[0], 0);
  EXPECT_EQ(big.pixels[3], 1);
  EXPECT_EQ(big.pixels[15], 101);
  // Non-square target of a square source: rows cropped from the top and bottom.
  PngImage tall = pattern_image(4, 4, 1, [](int64_t, int64_t y, int) { return 50 * y; });
  EXPECT_EQ(fit_to_size(tall, 1, 2).pixels, (std::vector<uint8_t>{75, 75}));
}

TEST(ImageFiles, HeadersAndTooLargeImages) {
  test::TempDir dir;
  write_jpeg(dir.file("g.jpg"), pattern_image(5, 3, 1, [](int64_t, int64_t, int) { return 9; }));
  ImageHeader h = read_image_header(dir.file("g.jpg"));
  EXPECT_EQ(h.width, 5);
  EXPECT_EQ(h.height, 3);
  EXPECT_EQ(h.channels, 1);
  EXPECT_NE(error_of([&] {
              check_image_size("huge.png", 100000, 100000);
            }).find("huge.png: 100000x100000 pixels; images of at most 268435456"),
            std::string::npos);
  EXPECT_NE(error_of([&] { read_image(dir.file("missing.png")); }).find("missing.png"),
            std::string::npos);
}

}  // namespace
}  // namespace latent
