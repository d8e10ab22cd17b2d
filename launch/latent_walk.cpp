#include "launch/latent_walk.hpp"

#include <algorithm>
#include <cmath>

#include "io/comparison_grid.hpp"
#include "io/image_grid.hpp"
#include "io/png_annotate.hpp"
#include "launch/app_support.hpp"
#include "runtime/error.hpp"

namespace latent {

// Rows `from` and `to` of the data file, streamed (the file may be larger than memory), and
// their labels (-1 where the file has none).
Tensor read_two_rows(const DatasetSpec& spec, int64_t from, int64_t to, int (&labels)[2]) {
  auto single = make_single_process_communicator();
  auto data = open_shard(spec, 1024, *single);
  for (int64_t r : {from, to})
    if (r < 0 || r >= data->size())
      throw UserError("interpolate: row " + std::to_string(r) + " is outside " + spec.path + " (" +
                      std::to_string(data->size()) + " samples: 0 to " +
                      std::to_string(data->size() - 1) + ")");
  Shape s = data->sample_shape();
  Tensor pair(s.batch_of(2));
  const int64_t per = s.numel();
  Tensor batch;
  std::vector<int> batch_labels;
  uint64_t first = 0;
  int found = 0;
  labels[0] = labels[1] = -1;
  while (found < 2 && data->next_batch(batch, &batch_labels, &first)) {
    const int64_t end = static_cast<int64_t>(first) + batch.dim(0);
    int64_t rows[2] = {from, to};
    for (int i = 0; i < 2; ++i)
      if (rows[i] >= static_cast<int64_t>(first) && rows[i] < end) {
        std::copy_n(batch.data() + (rows[i] - static_cast<int64_t>(first)) * per, per,
                    pair.data() + i * per);
        if (data->has_labels()) labels[i] = batch_labels[rows[i] - static_cast<int64_t>(first)];
        ++found;
      }
  }
  return pair;
}

// Code at fraction t between a and b: linear, or along the great circle (slerp) scaled
// between their norms; slerp falls back to linear for (anti)parallel codes.
void between(const float* a, const float* b, int64_t k, double t, bool slerp, float* out) {
  double na = 0, nb = 0, dot = 0;
  for (int64_t j = 0; j < k; ++j) {
    na += double(a[j]) * a[j];
    nb += double(b[j]) * b[j];
    dot += double(a[j]) * b[j];
  }
  na = std::sqrt(na);
  nb = std::sqrt(nb);
  double omega = (na > 0 && nb > 0) ? std::acos(std::clamp(dot / (na * nb), -1.0, 1.0)) : 0;
  if (!slerp || std::sin(omega) < 1e-6) {
    for (int64_t j = 0; j < k; ++j) out[j] = static_cast<float>((1 - t) * a[j] + t * b[j]);
    return;
  }
  double wa = std::sin((1 - t) * omega) / std::sin(omega),
         wb = std::sin(t * omega) / std::sin(omega);
  for (int64_t j = 0; j < k; ++j) out[j] = static_cast<float>(wa * a[j] + wb * b[j]);
}

// The strip is one row of steps + 2 images: refused before any decoding when it would be wider
// than a PNG can be.
void expect_strip_fits(int64_t steps, const Shape& sample) {
  const int64_t width =
      sample.rank() == 3 ? sample[2] : static_cast<int64_t>(std::lround(std::sqrt(sample.numel())));
  const int64_t pixels = grid_pixels_across(steps + 2, width);
  if (pixels <= kPngMaxSide) return;
  const GridOptions grid;
  const int64_t most = (kPngMaxSide - grid.padding) / (width + grid.padding) - 2;
  throw UserError("interpolate: --steps " + std::to_string(steps) + " with --png makes a strip " +
                  std::to_string(pixels) + " pixels wide; a PNG has at most " +
                  std::to_string(kPngMaxSide) + " a side: at most " + std::to_string(most) +
                  " steps with --png, or write the walk with --out alone");
}

// The strip (I, the walk, J) with its ends framed and captioned: "ROW n" and "LABEL k".
void write_strip(const std::string& path, const Tensor& strip, const int64_t rows[2],
                 const int labels[2]) {
  const int64_t n = strip.dim(0);
  ImageGrid grid = draw_comparison_grid(path, {&strip}, n, n);
  PngImage png = to_rgb(grid.png);
  const Rgb colours[2] = {Rgb{80, 170, 255}, Rgb{255, 160, 40}};  // blue, orange: on black too
  const int64_t scale = std::max<int64_t>(1, grid.width / 14), line = text_height(scale) + 2;
  const int64_t top = png.height;
  extend_down(png, 2 * line + 2, 0);
  for (int e = 0; e < 2; ++e) {
    const int64_t i = e == 0 ? 0 : n - 1;
    draw_frame(png, grid.x(i), grid.y(i), grid.width, grid.height, grid.options.padding,
               colours[e]);
    std::string caption[2] = {"ROW " + std::to_string(rows[e]),
                              labels[e] >= 0 ? "LABEL " + std::to_string(labels[e]) : ""};
    for (int l = 0; l < 2; ++l) {
      // The first end's caption starts under it, the last end's ends under it.
      const int64_t x = e == 0 ? grid.x(i) : grid.x(i) + grid.width - text_width(caption[l], scale);
      draw_text(png, x, top + l * line, caption[l], colours[e], scale);
    }
  }
  write_png(path, png);
}

}  // namespace latent
