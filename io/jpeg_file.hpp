#pragma once
// JPEG images through libjpeg-turbo, read only (the image-dir converter): grey stays grey,
// YCbCr becomes RGB, CMYK and YCCK become RGB.
#include <string>

#include "io/png_file.hpp"

namespace latent {

// Size and grey (1) or colour (3), from the header alone. UserError naming the file when it is
// missing, not a JPEG or its header is damaged.
ImageHeader read_jpeg_header(const std::string& path);
// The whole image as 8-bit grey (1 channel) or RGB (3). A file that ends before its last row
// ("Premature end of JPEG file", which libjpeg only warns about and fills with grey) is an
// error like any other damage: a training set should not hold half-grey pictures.
PngImage read_jpeg(const std::string& path);

}  // namespace latent
