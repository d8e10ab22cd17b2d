#pragma once
// Single PNG images through libpng: 8-bit grey or RGB, read and written.
#include <cstdint>
#include <string>
#include <vector>

namespace latent {

// libpng writes at most this many pixels a side (PNG_USER_WIDTH_MAX, PNG_USER_HEIGHT_MAX).
inline constexpr int64_t kPngMaxSide = 1000000;

struct PngImage {
  int64_t width = 0, height = 0;
  int channels = 1;             // 1 grey, 3 RGB
  std::vector<uint8_t> pixels;  // row-major, channels interleaved (height * width * channels)
};

// Written under a temporary name and renamed into place. UserError on failure.
void write_png(const std::string& path, const PngImage& image);
// Any PNG, converted to 8-bit grey (1 channel) or RGB (3): palettes expanded, 16 bits
// reduced, alpha dropped. UserError naming the file when it is missing or not a valid PNG.
PngImage read_png(const std::string& path);

}  // namespace latent
