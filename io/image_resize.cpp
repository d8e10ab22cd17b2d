#include "io/image_resize.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace latent {
namespace {

// The source pixels one output pixel covers along an axis, with their weights (summing to 1).
struct Footprint {
  int64_t first = 0;
  std::vector<float> weights;
};

// `out` output pixels spanning the source interval [start, start + length).
std::vector<Footprint> footprints(double start, double length, int64_t out, int64_t source) {
  std::vector<Footprint> result(static_cast<size_t>(out));
  const double step = length / static_cast<double>(out);
  for (int64_t j = 0; j < out; ++j) {
    const double lo = start + step * static_cast<double>(j), hi = lo + step;
    Footprint& f = result[static_cast<size_t>(j)];
    f.first = std::clamp<int64_t>(static_cast<int64_t>(std::floor(lo)), 0, source - 1);
    const int64_t last =
        std::clamp<int64_t>(static_cast<int64_t>(std::ceil(hi)) - 1, f.first, source - 1);
    for (int64_t i = f.first; i <= last; ++i) {
      const double covered = std::min(hi, double(i + 1)) - std::max(lo, double(i));
      f.weights.push_back(static_cast<float>(std::max(covered, 0.0) / step));
    }
  }
  return result;
}

}  // namespace

PngImage fit_to_size(const PngImage& image, int64_t height, int64_t width) {
  if (height < 1 || width < 1) throw std::invalid_argument("fit_to_size: empty target");
  const double in_w = static_cast<double>(image.width), in_h = static_cast<double>(image.height);
  // The crop keeps the full side along which the source is relatively narrower.
  double crop_w = in_w, crop_h = in_h;
  if (in_w * static_cast<double>(height) > in_h * static_cast<double>(width))
    crop_w = in_h * static_cast<double>(width) / static_cast<double>(height);
  else
    crop_h = in_w * static_cast<double>(height) / static_cast<double>(width);
  const auto across = footprints((in_w - crop_w) / 2, crop_w, width, image.width);
  const auto down = footprints((in_h - crop_h) / 2, crop_h, height, image.height);
  const int64_t c = image.channels;

  // Across each source row first, then down the columns of that result.
  std::vector<float> rows(static_cast<size_t>(image.height * width * c));
  for (int64_t y = 0; y < image.height; ++y) {
    const uint8_t* src = image.pixels.data() + y * image.width * c;
    float* dst = rows.data() + y * width * c;
    for (int64_t x = 0; x < width; ++x)
      for (int64_t k = 0; k < c; ++k) {
        const Footprint& f = across[static_cast<size_t>(x)];
        float sum = 0;
        for (size_t i = 0; i < f.weights.size(); ++i)
          sum += f.weights[i] * src[(f.first + static_cast<int64_t>(i)) * c + k];
        dst[x * c + k] = sum;
      }
  }
  PngImage out;
  out.width = width;
  out.height = height;
  out.channels = image.channels;
  out.had_alpha = image.had_alpha;
  out.pixels.resize(static_cast<size_t>(height * width * c));
  for (int64_t y = 0; y < height; ++y) {
    const Footprint& f = down[static_cast<size_t>(y)];
    for (int64_t v = 0; v < width * c; ++v) {
      float sum = 0;
      for (size_t i = 0; i < f.weights.size(); ++i)
        sum += f.weights[i] * rows[(f.first + static_cast<int64_t>(i)) * width * c + v];
      out.pixels[y * width * c + v] =
          static_cast<uint8_t>(std::clamp(std::lround(sum), long{0}, long{255}));
    }
  }
  return out;
}

void convert_channels(PngImage& image, int channels) {
  if (channels != 1 && channels != 3)
    throw std::invalid_argument("convert_channels: 1 or 3 channels");
  if (image.channels == channels) return;
  const int64_t n = image.width * image.height;
  std::vector<uint8_t> out(static_cast<size_t>(n * channels));
  if (channels == 3) {
    for (int64_t p = 0; p < n; ++p) std::fill_n(out.begin() + p * 3, 3, image.pixels[p]);
  } else {
    for (int64_t p = 0; p < n; ++p) {
      const uint8_t* rgb = image.pixels.data() + p * 3;
      out[p] = static_cast<uint8_t>((299 * rgb[0] + 587 * rgb[1] + 114 * rgb[2] + 500) / 1000);
    }
  }
  image.pixels = std::move(out);
  image.channels = channels;
}

}  // namespace latent
