#pragma once
// PNG or JPEG, told apart by their first bytes (not their names): the image-dir converter's
// reader.
#include <string>

#include "io/png_file.hpp"

namespace latent {

// UserError naming the file when it is neither a PNG nor a JPEG, or is damaged.
ImageHeader read_image_header(const std::string& path);
PngImage read_image(const std::string& path);

}  // namespace latent
