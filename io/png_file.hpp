#pragma once
// Single PNG images through libpng: 8-bit grey or RGB, read and written.
#include <cstdint>
#include <string>
#include <vector>

namespace latent {

// libpng writes at most this many pixels a side (PNG_USER_WIDTH_MAX, PNG_USER_HEIGHT_MAX).
inline constexpr int64_t kPngMaxSide = 1000000;

// One 8-bit image in memory (read from a PNG or a JPEG).
struct PngImage {
  int64_t width = 0, height = 0;
  int channels = 1;             // 1 grey, 3 RGB
  std::vector<uint8_t> pixels;  // row-major, channels interleaved (height * width * channels)
  bool had_alpha = false;       // read: the file had an alpha channel or transparency, dropped
};

// Images are read whole: a larger one (2^28 pixels, 16384 x 16384) is refused naming the file
// rather than allocated.
inline constexpr int64_t kMaxImagePixels = int64_t{1} << 28;
// UserError naming `path`, its size and the limit when width * height exceeds it.
void check_image_size(const std::string& path, int64_t width, int64_t height);

// What an image file holds, from its header alone: size, grey (1) or colour (3) once read, and
// alpha (a PNG's channel or transparency; a JPEG has none).
struct ImageHeader {
  int64_t width = 0, height = 0;
  int channels = 1;
  bool alpha = false;
};
ImageHeader read_png_header(const std::string& path);

// Written under a temporary name and renamed into place. UserError on failure.
void write_png(const std::string& path, const PngImage& image);
// Any PNG, converted to 8-bit grey (1 channel) or RGB (3): palettes expanded, 16 bits
// reduced, alpha dropped. UserError naming the file when it is missing or not a valid PNG.
PngImage read_png(const std::string& path);

}  // namespace latent
