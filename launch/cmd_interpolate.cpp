// `latent interpolate --checkpoint C --data F --from I --to J --steps S --png P.png [--slerp]
// [--out F.h5]`: a walk in latent space between samples I and J (row indices of the data
// file): their codes (μ for a VAE), S evenly spaced points between them (linear, or spherical
// with --slerp, which keeps a Gaussian code's norm), each decoded. The PNG strip shows sample
// I, the S decoded points, and sample J; --out holds /latent (S, K) and /images (S, ...).
// The strip labels its end points: sample I framed in blue, J in orange, each captioned with
// its row and label (a built-in pixel font), and stdout names both. Small work: rank 0 alone.
#include <algorithm>
#include <cmath>
#include <iostream>

#include "io/comparison_grid.hpp"
#include "io/image_grid.hpp"
#include "io/png_annotate.hpp"
#include "io/table_writer.hpp"
#include "launch/app_driver.hpp"
#include "launch/subcommands.hpp"
#include "runtime/error.hpp"
#include "runtime/host_staging.hpp"

namespace po = boost::program_options;

namespace {

// Rows `from` and `to` of the data file, streamed (the file may be larger than memory), and
// their labels (-1 where the file has none).
latent::Tensor read_two_rows(const latent::DatasetSpec& spec, int64_t from, int64_t to,
                             int (&labels)[2]) {
  using namespace latent;
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
void expect_strip_fits(int64_t steps, const latent::Shape& sample) {
  using namespace latent;
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
void write_strip(const std::string& path, const latent::Tensor& strip, const int64_t rows[2],
                 const int labels[2]) {
  using namespace latent;
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

class Interpolate : public latent::AppCommand {
 public:
  Interpolate()
      : AppCommand({"interpolate",
                    "--checkpoint C.h5 --data F.h5 --from I --to J --steps S --png P.png [--slerp] "
                    "[--out F.h5]",
                    "Sample I is framed blue and J orange in the strip, each captioned with its "
                    "row and label.\n",
                    {latent::Capability::kEncode, latent::Capability::kDecode},
                    latent::AppSpec::Input::kImages,
                    /*writes_output=*/false}) {}

 private:
  void add_options(po::options_description& o) override {
    o.add_options()("from", po::value<int64_t>(), "row of the first sample")(
        "to", po::value<int64_t>(), "row of the last sample")(
        "steps", po::value<int64_t>()->default_value(10), "points along the walk, ends included")(
        "slerp", "spherical instead of linear interpolation")(
        "png", po::value<std::string>(), "PNG strip: sample I, the decoded points, sample J")(
        "out", po::value<std::string>(), "also /latent (S, K) and /images (S, ...)");
  }
  void check_options() override {
    latent::require_options("interpolate", options(), {"from", "to"});
    if (!options().count("png") && !options().count("out"))
      throw latent::UserError("interpolate: give --png, --out or both (nothing would be written)");
    steps_ = option<int64_t>("steps");
    if (steps_ < 2)
      throw latent::UserError("interpolate: --steps must be at least 2, got " +
                              std::to_string(steps_));
  }
  // Small work: rank 0 alone; the others wait.
  void execute() override {
    if (root()) walk();
    comm().barrier();
  }
  void walk();

  int64_t steps_ = 10;
};

void Interpolate::walk() {
  using namespace latent;
  const bool png = options().count("png") > 0, slerp = options().count("slerp") > 0;
  if (png) expect_strip_fits(steps_, model().config().sample_shape);
  const int64_t rows[2] = {option<int64_t>("from"), option<int64_t>("to")};
  int labels[2];
  Tensor ends = read_two_rows(input(), rows[0], rows[1], labels);
  // The walk is computed on the host: codes come back from the model's device, the path and
  // the images cross over (no copies on the CPU).
  Tensor device_codes, device_images, staged_in, staged_codes, staged_images;
  model().as_encoder()->encode(on_device(ends, device(), staged_in), device_codes, nullptr);
  const Tensor& codes = on_host(device_codes, staged_codes);
  const int64_t k = codes.dim(1);
  Tensor path(Shape{steps_, k});
  for (int64_t s = 0; s < steps_; ++s)
    between(codes.data(), codes.data() + k, k, double(s) / double(steps_ - 1), slerp,
            path.data() + s * k);
  model().as_decoder()->decode(on_device(path, device(), staged_in), device_images);
  const Tensor& images = on_host(device_images, staged_images);
  if (png) {  // one strip: I, the walk, J
    Shape strip_shape = images.shape();
    strip_shape[0] = steps_ + 2;
    Tensor strip(strip_shape);
    const int64_t per = images.numel() / steps_;
    std::copy_n(ends.data(), per, strip.data());
    std::copy_n(images.data(), steps_ * per, strip.data() + per);
    std::copy_n(ends.data() + per, per, strip.data() + (steps_ + 1) * per);
    write_strip(option<std::string>("png"), strip, rows, labels);
  }
  if (options().count("out")) {
    TableWriter out(option<std::string>("out"),
                    {{"latent", {k}}, {"images", row_dims(model().config().sample_shape)}}, false);
    out.append(steps_, {path.data(), images.data()}, nullptr);
    out.close();
  }
  auto end = [&](int e, const char* colour) {
    return "row " + std::to_string(rows[e]) +
           (labels[e] >= 0 ? " (label " + std::to_string(labels[e]) + ")" : std::string()) +
           (png ? std::string(", ") + colour + " frame" : std::string());
  };
  std::cout << "interpolate: " << steps_ << " steps from " << end(0, "blue") << " to "
            << end(1, "orange") << (slerp ? " (slerp)" : "") << "\n";
}

}  // namespace

int cmd_interpolate(int argc, char** argv) {
  return Interpolate().run(argc, argv);
}
