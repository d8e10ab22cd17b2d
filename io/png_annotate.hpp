#pragma once
// Marks drawn on top of an image grid: coloured frames and short captions in a built-in 3x5
// pixel font (no font library: the project renders no text otherwise). Used to label the end
// points of an interpolation strip.
#include <array>
#include <cstdint>
#include <string>

#include "io/png_file.hpp"

namespace latent {

using Rgb = std::array<uint8_t, 3>;

// The image as RGB (grey copied to the three channels); an RGB image is returned unchanged.
PngImage to_rgb(const PngImage& image);
// `extra` rows of `fill` added below the image (room for captions).
void extend_down(PngImage& image, int64_t extra, uint8_t fill);
// A frame `thickness` pixels wide just outside the box (x, y, width, height), clipped to the
// image. RGB images only.
void draw_frame(PngImage& image, int64_t x, int64_t y, int64_t width, int64_t height,
                int64_t thickness, Rgb colour);
// Text with its top-left corner at (x, y), clipped to the image. Digits, A-Z (lower case drawn
// as upper), space and - : # . are drawn; any other character as a box. RGB images only.
void draw_text(PngImage& image, int64_t x, int64_t y, const std::string& text, Rgb colour,
               int64_t scale = 1);
// Width and height in pixels of draw_text's output.
int64_t text_width(const std::string& text, int64_t scale = 1);
inline int64_t text_height(int64_t scale = 1) {
  return 5 * scale;
}

}  // namespace latent
