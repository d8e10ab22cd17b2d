#include "io/image_grid.hpp"

#include <algorithm>
#include <cmath>

#include "io/png_file.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

uint8_t to_byte(float v) {
  if (!(v > 0.0f)) return 0;  // also NaN
  if (v >= 1.0f) return 255;
  return static_cast<uint8_t>(std::lround(v * 255.0f));
}

}  // namespace

int64_t ImageGrid::x(int64_t i) const {
  return options.padding + (i % columns) * (width + options.padding);
}

int64_t ImageGrid::y(int64_t i) const {
  const int64_t row = i / columns;
  return options.padding + row * (height + options.padding) +
         row / options.row_group * options.group_gap;
}

ImageGrid draw_image_grid(const std::string& path, const Tensor& images, int64_t height,
                          int64_t width, const GridOptions& options) {
  const Shape& s = images.shape();
  int64_t channels = 1;
  if (s.rank() == 4) {
    channels = s[1], height = s[2], width = s[3];
  } else if (s.rank() == 2 && height > 0 && width > 0) {
    if (s[1] == height * width) {
      channels = 1;
    } else if (s[1] == 3 * height * width) {
      channels = 3;
    } else {
      throw UserError(path + ": cannot draw samples of " + std::to_string(s[1]) + " values as " +
                      std::to_string(height) + "x" + std::to_string(width) +
                      " images; expected H*W or 3*H*W values");
    }
  } else {
    throw UserError(path + ": cannot draw a tensor of shape " + s.str() +
                    "; expected (N, 1|3, H, W) or (N, D) with a height and width");
  }
  if (channels != 1 && channels != 3)
    throw UserError(path + ": images with " + std::to_string(channels) +
                    " channels; expected 1 or 3");
  const int64_t n = s[0];
  if (n == 0) throw UserError(path + ": no images to draw");
  const int64_t cols = options.columns > 0
                           ? std::min(options.columns, n)
                           : static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(n))));
  const int64_t rows = (n + cols - 1) / cols;
  ImageGrid grid;
  grid.columns = cols, grid.height = height, grid.width = width;
  grid.options = options;
  grid.options.padding = std::max<int64_t>(0, options.padding);
  grid.options.row_group = std::max<int64_t>(1, options.row_group);
  grid.options.group_gap = std::max<int64_t>(0, options.group_gap);
  PngImage& png = grid.png;
  png.channels = static_cast<int>(channels);
  png.width = grid.x(cols - 1) + width + grid.options.padding;
  png.height = grid.y((rows - 1) * cols) + height + grid.options.padding;
  // Refused before the pixels are allocated: libpng would fail only after they were drawn.
  if (png.width > kPngMaxSide || png.height > kPngMaxSide)
    throw UserError(path + ": a grid of " + std::to_string(n) + " images would be " +
                    std::to_string(png.width) + " x " + std::to_string(png.height) +
                    " pixels; a PNG has at most " + std::to_string(kPngMaxSide) + " a side");
  png.pixels.assign(png.width * png.height * channels, to_byte(options.pad_value));
  const float* src = images.data();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t x0 = grid.x(i), y0 = grid.y(i);
    const float* img = src + i * channels * height * width;
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t y = 0; y < height; ++y)
        for (int64_t x = 0; x < width; ++x)
          png.pixels[((y0 + y) * png.width + x0 + x) * channels + c] =
              to_byte(img[(c * height + y) * width + x]);
  }
  return grid;
}

void write_image_grid(const std::string& path, const Tensor& images, int64_t height, int64_t width,
                      const GridOptions& options) {
  write_png(path, draw_image_grid(path, images, height, width, options).png);
}

}  // namespace latent
