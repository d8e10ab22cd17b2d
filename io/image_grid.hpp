#pragma once
// A grid of images as one PNG: samples, reconstructions, interpolation strips.
#include <cstdint>
#include <string>

#include "runtime/tensor.hpp"

namespace latent {

struct GridOptions {
  int64_t columns = 0;     // 0: a near-square grid, ceil(sqrt(N)) columns
  int64_t padding = 2;     // pixels between images and around the grid
  float pad_value = 0.5f;  // grey, so black and white digits both stand out
};

// images: (N, 1, H, W) grey or (N, 3, H, W) RGB; or (N, D) with D = height * width (grey) or
// 3 * height * width (RGB, channel-major like (3, H, W)). Values are clamped to [0, 1].
// height/width are needed only for (N, D).
void write_image_grid(const std::string& path, const Tensor& images, int64_t height = 0,
                      int64_t width = 0, const GridOptions& options = {});

}  // namespace latent
