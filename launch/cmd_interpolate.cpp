// `latent interpolate --checkpoint C --data F --from I --to J --steps S --png P.png [--slerp]
// [--out F.h5]`: a walk in latent space between samples I and J (row indices of the data
// file): their codes (μ for a VAE), S evenly spaced points between them (linear, or spherical
// with --slerp, which keeps a Gaussian code's norm), each decoded. The PNG strip shows sample
// I, the S decoded points, and sample J; --out holds /latent (S, K) and /images (S, ...).
// The strip labels its end points: sample I framed in blue, J in orange, each captioned with
// its row and label (a built-in pixel font), and stdout names both. Small work: rank 0 alone.
#include <algorithm>
#include <iostream>

#include "io/table_writer.hpp"
#include "launch/app_driver.hpp"
#include "launch/latent_walk.hpp"
#include "launch/subcommands.hpp"
#include "runtime/error.hpp"
#include "runtime/host_staging.hpp"

namespace po = boost::program_options;

namespace {

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
                    /*writes_output=*/false,
                    /*reads_labels=*/true,
                    /*shows_progress=*/true,
                    /*chooses_weights=*/true}) {}

 private:
  void add_options(po::options_description& o) override {
    o.add_options()("from", po::value<int64_t>(), "row of the first sample")(
        "to", po::value<int64_t>(), "row of the last sample")(
        "steps", po::value<int64_t>()->default_value(10), "points along the walk, ends included")(
        "slerp", "spherical instead of linear interpolation")(
        "png", po::value<std::string>(), "PNG strip: sample I, the decoded points, sample J")(
        "out", po::value<std::string>(), "also /latent (S, K) and /images (S, ...)")(
        "class", po::value<int>(),
        "a conditional model's class along the walk (default: sample I's label)");
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
  // A conditional model encodes each end with its class and walks within one class.
  ClassConditioned* conditioned = model().as_conditioned();
  int walk_class = requested_class(options(), "interpolate", model());
  if (conditioned) {
    if (labels[0] < 0 || labels[1] < 0)
      throw UserError("interpolate: " + input().path + " has no /" + input().labels_name +
                      " dataset; model " + model().kind() + " takes each sample's class");
    if (walk_class < 0) walk_class = labels[0];
    conditioned->set_classes({labels[0], labels[1]});
  }
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
  if (conditioned)
    conditioned->set_classes(std::vector<int>(static_cast<size_t>(steps_), walk_class));
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
            << end(1, "orange") << (slerp ? " (slerp)" : "")
            << (conditioned ? ", within class " + std::to_string(walk_class) : std::string())
            << "\n";
}

}  // namespace

int cmd_interpolate(int argc, char** argv) {
  return Interpolate().run(argc, argv);
}
