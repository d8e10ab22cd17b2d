#include "io/png_annotate.hpp"

#include <cctype>

namespace latent {
namespace {

// 3x5 glyphs, one row per 3-bit number (bit 2 the left column), top row first.
using Glyph = std::array<uint8_t, 5>;

Glyph glyph(char c) {
  static const Glyph kDigits[10] = {
      {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 3, 1, 7}, {5, 5, 7, 1, 1},
      {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 2, 2, 2}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7}};
  static const Glyph kLetters[26] = {
      {2, 5, 7, 5, 5}, {6, 5, 6, 5, 6}, {3, 4, 4, 4, 3}, {6, 5, 5, 5, 6}, {7, 4, 6, 4, 7},
      {7, 4, 6, 4, 4}, {3, 4, 5, 5, 3}, {5, 5, 7, 5, 5}, {7, 2, 2, 2, 7}, {1, 1, 1, 5, 2},
      {5, 5, 6, 5, 5}, {4, 4, 4, 4, 7}, {5, 7, 7, 5, 5}, {6, 5, 5, 5, 5}, {2, 5, 5, 5, 2},
      {6, 5, 6, 4, 4}, {2, 5, 5, 6, 3}, {6, 5, 6, 5, 5}, {3, 4, 2, 1, 6}, {7, 2, 2, 2, 2},
      {5, 5, 5, 5, 7}, {5, 5, 5, 5, 2}, {5, 5, 7, 7, 5}, {5, 5, 2, 5, 5}, {5, 5, 2, 2, 2},
      {7, 1, 2, 4, 7}};
  const unsigned char u = static_cast<unsigned char>(c);
  if (std::isdigit(u)) return kDigits[c - '0'];
  if (std::isalpha(u)) return kLetters[std::toupper(u) - 'A'];
  switch (c) {
    case ' ':
      return {0, 0, 0, 0, 0};
    case '-':
      return {0, 0, 7, 0, 0};
    case ':':
      return {0, 2, 0, 2, 0};
    case '#':
      return {5, 7, 5, 7, 5};
    case '.':
      return {0, 0, 0, 0, 2};
    default:
      return {7, 5, 5, 5, 7};
  }
}

void put(PngImage& image, int64_t x, int64_t y, Rgb colour) {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) return;
  uint8_t* p = &image.pixels[(y * image.width + x) * 3];
  p[0] = colour[0], p[1] = colour[1], p[2] = colour[2];
}

}  // namespace

PngImage to_rgb(const PngImage& image) {
  if (image.channels == 3) return image;
  PngImage rgb;
  rgb.width = image.width, rgb.height = image.height, rgb.channels = 3;
  rgb.pixels.resize(image.pixels.size() * 3);
  for (size_t i = 0; i < image.pixels.size(); ++i)
    rgb.pixels[3 * i] = rgb.pixels[3 * i + 1] = rgb.pixels[3 * i + 2] = image.pixels[i];
  return rgb;
}

void extend_down(PngImage& image, int64_t extra, uint8_t fill) {
  image.height += extra;
  image.pixels.resize(image.width * image.height * image.channels, fill);
}

void draw_frame(PngImage& image, int64_t x, int64_t y, int64_t width, int64_t height,
                int64_t thickness, Rgb colour) {
  for (int64_t yy = y - thickness; yy < y + height + thickness; ++yy)
    for (int64_t xx = x - thickness; xx < x + width + thickness; ++xx)
      if (xx < x || xx >= x + width || yy < y || yy >= y + height) put(image, xx, yy, colour);
}

void draw_text(PngImage& image, int64_t x, int64_t y, const std::string& text, Rgb colour,
               int64_t scale) {
  for (size_t k = 0; k < text.size(); ++k) {
    const Glyph g = glyph(text[k]);
    const int64_t x0 = x + static_cast<int64_t>(k) * 4 * scale;
    for (int64_t row = 0; row < 5; ++row)
      for (int64_t col = 0; col < 3; ++col)
        if (g[row] & (4 >> col))
          for (int64_t dy = 0; dy < scale; ++dy)
            for (int64_t dx = 0; dx < scale; ++dx)
              put(image, x0 + col * scale + dx, y + row * scale + dy, colour);
  }
}

int64_t text_width(const std::string& text, int64_t scale) {
  return text.empty() ? 0 : (4 * static_cast<int64_t>(text.size()) - 1) * scale;
}

}  // namespace latent
