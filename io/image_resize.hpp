#pragma once
// Bringing a picture to a dataset's shape (the image-dir converter's --size and --channels).
#include <cstdint>

#include "io/png_file.hpp"

namespace latent {

// The largest centred region of `image` with the aspect of height x width, scaled to exactly
// height x width with an area (box) filter: each output pixel is the mean of the source area it
// covers, partly covered source pixels weighted by how much of them it covers. Shrinking averages
// without aliasing; enlarging repeats and blends neighbours.
PngImage fit_to_size(const PngImage& image, int64_t height, int64_t width);

// 1 or 3 channels: grey repeated into R, G and B; colour to grey as ITU-R BT.601 luma
// (0.299 R + 0.587 G + 0.114 B, what PIL's "L" mode gives).
void convert_channels(PngImage& image, int channels);

}  // namespace latent
