#include "io/png_file.hpp"

#include <png.h>

#include <cstdio>
#include <memory>

#include "io/atomic_file.hpp"
#include "io/input_file.hpp"
#include "io/output_path.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

// libpng reports errors through longjmp by default; turn them into a message we throw after
// setjmp returns, outside libpng's frames.
void on_error(png_structp png, png_const_charp message) {
  auto* out = static_cast<std::string*>(png_get_error_ptr(png));
  if (out) *out = message;
  png_longjmp(png, 1);
}
void on_warning(png_structp, png_const_charp) {}

}  // namespace

void write_png(const std::string& path, const PngImage& image) {
  if (image.channels != 1 && image.channels != 3)
    throw std::invalid_argument("write_png: channels must be 1 or 3");
  const std::string target = resolve_output_path(path);
  const std::string temporary = temporary_path_for(target);
  File f(std::fopen(temporary.c_str(), "wb"));
  if (!f) throw UserError(path + ": cannot create (does the folder exist and is it writable?)");
  std::string error;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &error, on_error, on_warning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info) {
    png_destroy_write_struct(&png, &info);
    throw std::bad_alloc();
  }
  std::vector<png_bytep> rows(image.height);
  for (int64_t y = 0; y < image.height; ++y)
    rows[y] = const_cast<png_bytep>(image.pixels.data() + y * image.width * image.channels);
  volatile bool ok = false;
  if (setjmp(png_jmpbuf(png)) == 0) {
    png_init_io(png, f.get());
    // Grids of digits are mostly flat: zlib's fastest level makes files a few percent larger in
    // a third of the time (the trainer writes them every epoch while other ranks wait).
    png_set_compression_level(png, 1);
    png_set_IHDR(png, info, static_cast<png_uint_32>(image.width),
                 static_cast<png_uint_32>(image.height), 8,
                 image.channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    png_write_image(png, rows.data());
    png_write_end(png, nullptr);
    ok = true;
  }
  png_destroy_write_struct(&png, &info);
  bool flushed = std::fflush(f.get()) == 0;
  f.reset();
  if (!ok || !flushed) {
    discard_file(temporary);
    throw UserError(path + ": writing the PNG failed" + (error.empty() ? "" : ": " + error));
  }
  commit_file(temporary, target, /*durable=*/false);  // a preview: complete or absent is enough
}

void check_image_size(const std::string& path, int64_t width, int64_t height) {
  if (width > 0 && height > kMaxImagePixels / width)
    throw UserError(path + ": " + std::to_string(width) + "x" + std::to_string(height) +
                    " pixels; images of at most " + std::to_string(kMaxImagePixels) +
                    " pixels are read");
}

namespace {

// A PNG opened and its signature checked; UserError naming the file otherwise.
File open_png(const std::string& path) {
  expect_regular_input(path, "", "a PNG image");
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) throw UserError(path + ": no such file (expected a PNG image)");
  unsigned char sig[8] = {};
  if (std::fread(sig, 1, 8, f.get()) != 8 || png_sig_cmp(sig, 0, 8) != 0)
    throw UserError(path + ": not a PNG file (no PNG signature)");
  return f;
}

// One read of `path`: the header always, the pixels when `image` is given (8-bit grey or RGB:
// palettes expanded, 16 bits reduced, alpha dropped).
ImageHeader decode(const std::string& path, PngImage* image) {
  File f = open_png(path);
  std::string error;
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &error, on_error, on_warning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info) {
    png_destroy_read_struct(&png, &info, nullptr);
    throw std::bad_alloc();
  }
  ImageHeader header;
  std::vector<png_bytep> rows;
  volatile bool ok = false;
  volatile bool too_large = false;
  if (setjmp(png_jmpbuf(png)) == 0) {
    png_init_io(png, f.get());
    png_set_sig_bytes(png, 8);
    png_read_info(png, info);
    const int color = png_get_color_type(png, info);
    header.width = png_get_image_width(png, info);
    header.height = png_get_image_height(png, info);
    header.channels = (color & PNG_COLOR_MASK_COLOR) ? 3 : 1;
    header.alpha = (color & PNG_COLOR_MASK_ALPHA) || png_get_valid(png, info, PNG_INFO_tRNS);
    if (image && header.width * header.height > kMaxImagePixels) {
      too_large = true;  // refused below, outside libpng
    } else if (image) {
      if (png_get_bit_depth(png, info) == 16) png_set_strip_16(png);
      if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
      if (color == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8)
        png_set_expand_gray_1_2_4_to_8(png);
      if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
      png_set_strip_alpha(png);
      png_read_update_info(png, info);
      image->width = header.width;
      image->height = header.height;
      image->channels = png_get_channels(png, info);
      image->had_alpha = header.alpha;
      if (image->channels == header.channels) {
        image->pixels.resize(image->width * image->height * image->channels);
        rows.resize(image->height);
        for (int64_t y = 0; y < image->height; ++y)
          rows[y] = image->pixels.data() + y * image->width * image->channels;
        png_read_image(png, rows.data());
        png_read_end(png, nullptr);
      }
    }
    ok = true;
  }
  png_destroy_read_struct(&png, &info, nullptr);
  if (!ok)
    throw UserError(path + ": not a valid PNG (" + (error.empty() ? "read failed" : error) + ")");
  if (too_large) check_image_size(path, header.width, header.height);
  if (image && image->channels != header.channels)
    throw UserError(path + ": PNG with " + std::to_string(image->channels) +
                    " channels after conversion; expected grey or RGB");
  return header;
}

}  // namespace

ImageHeader read_png_header(const std::string& path) {
  return decode(path, nullptr);
}

PngImage read_png(const std::string& path) {
  PngImage image;
  decode(path, &image);
  return image;
}

}  // namespace latent
