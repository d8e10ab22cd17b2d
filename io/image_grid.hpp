#pragma once
// A grid of images as one PNG: samples, reconstructions, interpolation strips.
#include <cstdint>
#include <string>

#include "io/png_file.hpp"
#include "runtime/tensor.hpp"

namespace latent {

struct GridOptions {
  int64_t columns = 0;     // 0: a near-square grid, ceil(sqrt(N)) columns
  int64_t padding = 2;     // pixels between images and around the grid
  float pad_value = 0.5f;  // grey, so black and white digits both stand out
  // Rows come in groups (an original's row, then its reconstruction's): `group_gap` more
  // pixels between groups of `row_group` rows, so a reader sees which rows belong together.
  int64_t row_group = 1;
  int64_t group_gap = 0;
};

// A drawn grid and where each image sits in it (for frames and captions drawn on top).
struct ImageGrid {
  PngImage png;
  int64_t columns = 0, height = 0, width = 0;
  GridOptions options;
  int64_t x(int64_t i) const;  // left column of image i
  int64_t y(int64_t i) const;  // top row of image i
};

// Pixels across a grid of `columns` images `image_width` wide (padding included).
inline int64_t grid_pixels_across(int64_t columns, int64_t image_width,
                                  const GridOptions& options = {}) {
  return options.padding + columns * (image_width + options.padding);
}

// images: (N, 1, H, W) grey or (N, 3, H, W) RGB; or (N, D) with D = height * width (grey) or
// 3 * height * width (RGB, channel-major like (3, H, W)). Values are clamped to [0, 1].
// height/width are needed only for (N, D). `path` (the output file) names it in errors.
ImageGrid draw_image_grid(const std::string& path, const Tensor& images, int64_t height = 0,
                          int64_t width = 0, const GridOptions& options = {});
// draw_image_grid written to `path`.
void write_image_grid(const std::string& path, const Tensor& images, int64_t height = 0,
                      int64_t width = 0, const GridOptions& options = {});

}  // namespace latent
