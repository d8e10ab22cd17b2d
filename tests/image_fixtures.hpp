#pragma once
// Test pictures: JPEGs written with libjpeg-turbo (latent itself only reads them), and PNGs
// with simple patterns.
// clang-format off
#include <cstdio>  // jpeglib.h needs FILE and size_t declared first
#include <jpeglib.h>
// clang-format on
#include <png.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "io/png_file.hpp"

namespace latent::testing {

// `components` values per pixel in `space` (JCS_GRAYSCALE, JCS_RGB or JCS_CMYK).
inline void write_jpeg_pixels(const std::string& path, int64_t width, int64_t height,
                              int components, J_COLOR_SPACE space,
                              const std::vector<uint8_t>& pixels, int quality = 95) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot write " + path);
  jpeg_compress_struct cinfo;
  jpeg_error_mgr err;
  cinfo.err = jpeg_std_error(&err);
  jpeg_create_compress(&cinfo);
  jpeg_stdio_dest(&cinfo, f);
  cinfo.image_width = static_cast<JDIMENSION>(width);
  cinfo.image_height = static_cast<JDIMENSION>(height);
  cinfo.input_components = components;
  cinfo.in_color_space = space;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(pixels.data() + cinfo.next_scanline * width * components);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::fclose(f);
}

inline void write_jpeg(const std::string& path, const PngImage& image, int quality = 95) {
  write_jpeg_pixels(path, image.width, image.height, image.channels,
                    image.channels == 1 ? JCS_GRAYSCALE : JCS_RGB, image.pixels, quality);
}

// An RGBA PNG (latent writes only grey and RGB), through libpng's simplified API.
inline void write_rgba_png(const std::string& path, int64_t width, int64_t height,
                           const std::vector<uint8_t>& rgba) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(width);
  image.height = static_cast<png_uint_32>(height);
  image.format = PNG_FORMAT_RGBA;
  if (!png_image_write_to_file(&image, path.c_str(), 0, rgba.data(), 0, nullptr))
    throw std::runtime_error("cannot write " + path);
}

// value(x, y, channel) for every pixel.
template <class F>
PngImage pattern_image(int64_t width, int64_t height, int channels, F value) {
  PngImage img;
  img.width = width;
  img.height = height;
  img.channels = channels;
  for (int64_t y = 0; y < height; ++y)
    for (int64_t x = 0; x < width; ++x)
      for (int c = 0; c < channels; ++c) img.pixels.push_back(static_cast<uint8_t>(value(x, y, c)));
  return img;
}

}  // namespace latent::testing
