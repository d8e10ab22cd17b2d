// `latent denoise --checkpoint C --data F --noise KIND --noise-level p --out R.h5 [--png G.png]`:
// corrupt each sample (noise keyed by its index and --seed, so reruns and any number of ranks
// agree), then pass it through the model: /noisy, /images (denoised), /error (N) the
// per-sample mean squared error against the clean data, /labels copied. With --noise none the
// data is taken as already noisy and /error is against it. Prints the mean squared errors of
// the noisy and the denoised images.
#include <iostream>
#include <nlohmann/json.hpp>

#include "io/comparison_grid.hpp"
#include "launch/app_driver.hpp"
#include "launch/subcommands.hpp"
#include "launch/through_model.hpp"
#include "runtime/error.hpp"
#include "runtime/host_staging.hpp"
#include "runtime/noise.hpp"
#include "runtime/rng.hpp"

namespace po = boost::program_options;

namespace latent {
namespace {

class Denoise : public AppCommand {
 public:
  Denoise()
      : AppCommand({"denoise",
                    "--checkpoint C.h5 --data F.h5 --noise KIND --noise-level p --out R.h5 "
                    "[--png G.png]",
                    "Writes /noisy, /images (denoised), /error (N) and /labels. Under mpirun each "
                    "rank takes its shard; one file results.\n",
                    {Capability::kEncode, Capability::kDecode}}) {}

 private:
  void add_options(po::options_description& o) override {
    o.add_options()("noise", po::value<std::string>()->default_value("gaussian"),
                    "gaussian | masking | salt-pepper | none")(
        "noise-level", po::value<float>()->default_value(0.3f),
        "gaussian: σ; masking, salt-pepper: probability per value")(
        "seed", po::value<uint64_t>()->default_value(1), "seed of the noise")(
        "png", po::value<std::string>(), "also a PNG: clean, noisy and denoised rows")(
        "png-count", po::value<int64_t>()->default_value(16), "samples in the PNG");
  }
  void check_options() override {
    try {
      noise_ = parse_noise(option<std::string>("noise"));
    } catch (const std::invalid_argument&) {
      throw UserError("denoise: --noise must be gaussian, masking, salt-pepper or none, got '" +
                      option<std::string>("noise") + "'");
    }
    level_ = option<float>("noise-level");
    if (!(level_ >= 0) || (noise_ != NoiseKind::kGaussian && level_ > 1))
      throw UserError(
          "denoise: --noise-level must be >= 0 (and <= 1 for masking, salt-pepper), got " +
          std::to_string(level_));
    rng_ = std::make_unique<CounterRng>(checked_seed(option<uint64_t>("seed")), kStreamNoise);
  }
  void start() override {
    through_ = std::make_unique<ThroughModel>(model());
    png_pending_ = options().count("png") && root();
    sums().assign(3, 0.0);  // Σ noisy error, Σ denoised error, samples
  }
  std::vector<TableColumn> output_columns() override {
    std::vector<int64_t> row = row_dims(model().config().sample_shape);
    return {{"noisy", row}, {"images", row}, {"error", {}}};
  }
  void batch(const AppBatch& b) override {
    noisy_.resize(b.host.shape());  // the corruption is made on the host
    if (noise_ == NoiseKind::kNone)
      noisy_.copy_from(b.host);
    else
      corrupt(noise_, level_, *rng_, b.host, noisy_, b.first);
    const Tensor& out = through_->images(on_device(noisy_, device(), device_noisy_));
    per_sample_mse(out, b.host, error_);
    per_sample_mse(noisy_, b.host, noisy_error_);
    append(b.first, b.rows(), {noisy_.data(), out.data(), error_.data()}, b.labels.data());
    for (size_t i = 0; i < error_.size(); ++i) {
      sums()[0] += noisy_error_[i];
      sums()[1] += error_[i];
    }
    sums()[2] += static_cast<double>(b.rows());
    if (png_pending_) {
      write_comparison_grid(option<std::string>("png"), {&b.host, &noisy_, &out},
                            std::min(b.rows(), option<int64_t>("png-count")));
      png_pending_ = false;
    }
  }
  void finish() override {
    if (root())
      std::cout << nlohmann::ordered_json{{"samples", static_cast<int64_t>(sums()[2])},
                                          {"mse_noisy", sums()[0] / sums()[2]},
                                          {"mse_denoised", sums()[1] / sums()[2]}}
                       .dump()
                << "\n";
  }

  NoiseKind noise_ = NoiseKind::kNone;
  float level_ = 0;
  std::unique_ptr<CounterRng> rng_;
  std::unique_ptr<ThroughModel> through_;
  Tensor noisy_, device_noisy_;
  std::vector<float> error_, noisy_error_;
  bool png_pending_ = false;
};

}  // namespace
}  // namespace latent

int cmd_denoise(int argc, char** argv) {
  return latent::Denoise().run(argc, argv);
}
