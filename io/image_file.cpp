#include "io/image_file.hpp"

#include <cstdio>
#include <memory>

#include "io/input_file.hpp"
#include "io/jpeg_file.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

enum class ImageFormat { kPng, kJpeg };

ImageFormat format_of(const std::string& path) {
  expect_regular_input(path, "", "a PNG or JPEG image");
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw UserError(path + ": cannot open (expected a PNG or JPEG image)");
  unsigned char magic[4] = {};
  const size_t got = std::fread(magic, 1, sizeof magic, f.get());
  if (got >= 4 && magic[0] == 0x89 && magic[1] == 'P' && magic[2] == 'N' && magic[3] == 'G')
    return ImageFormat::kPng;
  if (got >= 3 && magic[0] == 0xFF && magic[1] == 0xD8 && magic[2] == 0xFF)
    return ImageFormat::kJpeg;
  throw UserError(path + ": neither a PNG nor a JPEG (" +
                  (got == 0 ? std::string("empty file") : "unknown first bytes") + ")");
}

}  // namespace

ImageHeader read_image_header(const std::string& path) {
  return format_of(path) == ImageFormat::kPng ? read_png_header(path) : read_jpeg_header(path);
}

PngImage read_image(const std::string& path) {
  return format_of(path) == ImageFormat::kPng ? read_png(path) : read_jpeg(path);
}

}  // namespace latent
