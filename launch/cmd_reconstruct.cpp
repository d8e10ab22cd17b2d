// `latent reconstruct --checkpoint C --data F --out R.h5 [--png G.png]`: data through the
// model (code, or μ for a VAE, then the decoder): /images, /error (N) the per-sample mean
// squared error, /labels copied. Prints {"samples", "mse"} (mean of /error).
#include <iostream>
#include <nlohmann/json.hpp>

#include "io/comparison_grid.hpp"
#include "launch/app_driver.hpp"
#include "launch/subcommands.hpp"
#include "launch/through_model.hpp"

namespace po = boost::program_options;

namespace latent {
namespace {

class Reconstruct : public AppCommand {
 public:
  Reconstruct()
      : AppCommand({"reconstruct",
                    "--checkpoint C.h5 --data F.h5 --out R.h5 [--png G.png]",
                    "Writes /images, /error (N) and /labels. Under mpirun each rank takes its "
                    "shard; one file results.\n",
                    {Capability::kEncode, Capability::kDecode}}) {}

 private:
  void add_options(po::options_description& o) override {
    o.add_options()("png", po::value<std::string>(),
                    "also a PNG: originals above their reconstructions")(
        "png-count", po::value<int64_t>()->default_value(32), "samples in the PNG");
  }
  void start() override {
    through_ = std::make_unique<ThroughModel>(model());
    png_pending_ = options().count("png") && root();
    sums().assign(2, 0.0);  // Σ error, samples
  }
  std::vector<TableColumn> output_columns() override {
    return {{"images", row_dims(model().config().sample_shape)}, {"error", {}}};
  }
  void batch(const AppBatch& b) override {
    const Tensor& out = through_->images(b.device);
    per_sample_mse(out, b.host, error_);
    append(b.first, b.rows(), {out.data(), error_.data()}, b.labels.data());
    for (float e : error_) sums()[0] += e;
    sums()[1] += static_cast<double>(b.rows());
    if (png_pending_) {  // rank 0's first batch holds the first samples of the file
      write_comparison_grid(option<std::string>("png"), {&b.host, &out},
                            std::min(b.rows(), option<int64_t>("png-count")));
      png_pending_ = false;
    }
  }
  void finish() override {
    if (root())
      std::cout << nlohmann::ordered_json{{"samples", static_cast<int64_t>(sums()[1])},
                                          {"mse", sums()[0] / sums()[1]}}
                       .dump()
                << "\n";
  }

  std::unique_ptr<ThroughModel> through_;
  std::vector<float> error_;
  bool png_pending_ = false;
};

}  // namespace
}  // namespace latent

int cmd_reconstruct(int argc, char** argv) {
  return latent::Reconstruct().run(argc, argv);
}
