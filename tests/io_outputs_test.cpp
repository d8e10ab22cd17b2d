// Outputs of a run: PNG image grids and metrics.jsonl.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "io/image_grid.hpp"
#include "io/metrics_log.hpp"
#include "io/png_file.hpp"
#include "io_test_util.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

using test::TempDir;

TEST(IoImageGrid, GreyGridReadsBackWithLibpng) {
  TempDir dir;
  const std::string path = dir.file("grid.png");
  // 5 images of 3x4, image i filled with i / 4, pixel (1, 2) of each set to 1.
  Tensor images(Shape{5, 1, 3, 4});
  for (int64_t i = 0; i < 5; ++i)
    for (int64_t p = 0; p < 12; ++p) images.data()[i * 12 + p] = p == 6 ? 1.0f : i / 4.0f;
  GridOptions o;
  o.columns = 3;
  o.padding = 1;
  o.pad_value = 0.0f;
  write_image_grid(path, images, 0, 0, o);
  PngImage png = read_png(path);
  EXPECT_EQ(png.channels, 1);
  EXPECT_EQ(png.width, 3 * (4 + 1) + 1);
  EXPECT_EQ(png.height, 2 * (3 + 1) + 1);
  auto at = [&](int64_t x, int64_t y) { return png.pixels[y * png.width + x]; };
  EXPECT_EQ(at(0, 0), 0);                // padding
  EXPECT_EQ(at(1, 1), 0);                // image 0, value 0
  EXPECT_EQ(at(1 + 5 * 2, 1), 128);      // image 2, value 0.5
  EXPECT_EQ(at(1 + 5 * 1, 1 + 4), 255);  // image 4 (row 1, column 1), value 1
  EXPECT_EQ(at(1 + 2, 1 + 1), 255);      // pixel (1, 2) of image 0
  EXPECT_EQ(at(1 + 5 * 2, 1 + 4), 0);    // empty sixth cell: padding colour
}

TEST(IoImageGrid, FlatRgbSamplesAndClamping) {
  TempDir dir;
  const std::string path = dir.file("rgb.png");
  Tensor flat(Shape{2, 3 * 2 * 2});
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t c = 0; c < 3; ++c)
      for (int64_t p = 0; p < 4; ++p) flat.data()[i * 12 + c * 4 + p] = c == 0 ? 2.0f : -1.0f + c;
  write_image_grid(path, flat, 2, 2, GridOptions{0, 0, 0.0f});
  PngImage png = read_png(path);
  EXPECT_EQ(png.channels, 3);
  EXPECT_EQ(png.width, 4);
  EXPECT_EQ(png.height, 2);
  // Red clamped from 2 to 255, green -1 + 1 = 0, blue -1 + 2 = 1.
  EXPECT_EQ(png.pixels[0], 255);
  EXPECT_EQ(png.pixels[1], 0);
  EXPECT_EQ(png.pixels[2], 255);
  try {
    write_image_grid(path, flat, 3, 3);
    ADD_FAILURE() << "no UserError";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("12 values"), std::string::npos) << e.what();
  }
}

TEST(IoMetricsLog, AppendsOneFlushedObjectPerLine) {
  TempDir dir;
  const std::string path = dir.file("metrics.jsonl");
  {
    MetricsLog log(path, true);
    log.write({{"step", 1}, {"loss", 0.5}, {"phase", "train"}});
    // Flushed: readable before the log is closed.
    std::ifstream in(path);
    std::string line;
    ASSERT_TRUE(std::getline(in, line));
    EXPECT_EQ(line, R"({"step":1,"loss":0.5,"phase":"train"})");
    log.write({{"step", 2}, {"loss", std::nan("")}});
  }
  {
    MetricsLog again(path);  // appends
    again.write({{"epoch", 1}});
  }
  std::ifstream in(path);
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1]["step"], 2);
  EXPECT_TRUE(lines[1]["loss"].is_null());
  EXPECT_EQ(lines[2]["epoch"], 1);
}

}  // namespace
}  // namespace latent
