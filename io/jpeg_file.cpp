#include "io/jpeg_file.hpp"

// clang-format off
#include <cstdio>   // jpeglib.h needs FILE and size_t declared first
#include <csetjmp>
#include <jpeglib.h>
#include <jerror.h>
// clang-format on

#include <memory>

#include "io/input_file.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

// libjpeg reports a fatal error through error_exit, which must not return: jump back to the
// setjmp in the reader with the message kept, and throw from there, outside libjpeg's frames.
struct ErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
  std::string message;
  bool truncated = false;
};

void on_error(j_common_ptr cinfo) {
  auto* e = reinterpret_cast<ErrorManager*>(cinfo->err);
  char text[JMSG_LENGTH_MAX];
  (*cinfo->err->format_message)(cinfo, text);
  e->message = text;
  std::longjmp(e->jump, 1);
}

// Warnings (level -1) are kept quiet, except the one that means the data ran out.
void on_message(j_common_ptr cinfo, int level) {
  auto* e = reinterpret_cast<ErrorManager*>(cinfo->err);
  if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) e->truncated = true;
}

File open_jpeg(const std::string& path) {
  expect_regular_input(path, "", "a JPEG image");
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) throw UserError(path + ": no such file (expected a JPEG image)");
  unsigned char magic[3] = {};
  if (std::fread(magic, 1, 3, f.get()) != 3 || magic[0] != 0xFF || magic[1] != 0xD8 ||
      magic[2] != 0xFF)
    throw UserError(path + ": not a JPEG file (no JPEG start-of-image marker)");
  std::rewind(f.get());
  return f;
}

// One decompression of `path`: the header always, the pixels when `pixels` is given.
ImageHeader decode(const std::string& path, PngImage* pixels) {
  File f = open_jpeg(path);
  jpeg_decompress_struct cinfo;
  ErrorManager err;
  cinfo.err = jpeg_std_error(&err.base);
  err.base.error_exit = on_error;
  err.base.emit_message = on_message;
  ImageHeader header;
  // What setjmp's second return sees was made before it (a longjmp skips no destructor) or is
  // volatile.
  std::vector<uint8_t> row;
  volatile bool created = false;
  if (setjmp(err.jump) != 0) {
    if (created) jpeg_destroy_decompress(&cinfo);
    throw UserError(path + ": not a valid JPEG (" + err.message + ")");
  }
  jpeg_create_decompress(&cinfo);
  created = true;
  jpeg_stdio_src(&cinfo, f.get());
  jpeg_read_header(&cinfo, TRUE);
  header.width = cinfo.image_width;
  header.height = cinfo.image_height;
  const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  header.channels = cinfo.jpeg_color_space == JCS_GRAYSCALE ? 1 : 3;
  if (pixels) {
    check_image_size(path, header.width, header.height);
    // libjpeg turns YCCK into CMYK but not CMYK into RGB: that last step is ours.
    cinfo.out_color_space = cmyk ? JCS_CMYK : header.channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&cinfo);
    const int64_t width = cinfo.output_width, components = cinfo.output_components;
    row.resize(static_cast<size_t>(width * components));
    pixels->width = width;
    pixels->height = cinfo.output_height;
    pixels->channels = header.channels;
    pixels->pixels.resize(static_cast<size_t>(pixels->width * pixels->height * header.channels));
    // Photoshop's CMYK JPEGs (the Adobe marker) store the inks inverted: 255 is no ink.
    const bool inverted = cinfo.saw_Adobe_marker;
    while (cinfo.output_scanline < cinfo.output_height) {
      uint8_t* out = pixels->pixels.data() + cinfo.output_scanline * width * header.channels;
      JSAMPROW target = cmyk ? row.data() : out;
      jpeg_read_scanlines(&cinfo, &target, 1);
      if (!cmyk) continue;
      for (int64_t x = 0; x < width; ++x) {
        const uint8_t* ink = row.data() + x * 4;
        const int k = inverted ? ink[3] : 255 - ink[3];
        for (int c = 0; c < 3; ++c) {
          const int paper = inverted ? ink[c] : 255 - ink[c];
          out[x * 3 + c] = static_cast<uint8_t>((paper * k + 127) / 255);
        }
      }
    }
    jpeg_finish_decompress(&cinfo);
  }
  jpeg_destroy_decompress(&cinfo);
  if (err.truncated) throw UserError(path + ": not a valid JPEG (the file ends before the image)");
  return header;
}

}  // namespace

ImageHeader read_jpeg_header(const std::string& path) {
  return decode(path, nullptr);
}

PngImage read_jpeg(const std::string& path) {
  PngImage image;
  decode(path, &image);
  return image;
}

}  // namespace latent
