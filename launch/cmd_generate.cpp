// `latent generate --checkpoint C --n N --out G.h5 [--png G.png] [--seed S]`: new samples from
// the model's prior (a VAE's, a GAN's generator), as /images in the dataset layout, so they can
// train another model (augmentation). Sample i decodes z_i ~ N(0, I) keyed by (seed, i): the
// same file for any batch size or number of ranks.
#include <cmath>
#include <iostream>

#include "io/comparison_grid.hpp"
#include "io/disk_space.hpp"
#include "launch/app_driver.hpp"
#include "launch/subcommands.hpp"
#include "runtime/error.hpp"
#include "runtime/host_staging.hpp"
#include "runtime/rng.hpp"

namespace po = boost::program_options;

namespace latent {
namespace {

// A stated limit, and the free disk: a typo in --n must not run for days or fill the disk.
void refuse_more_than_disk_holds(const std::string& out, int64_t n, const Shape& sample) {
  constexpr int64_t kMaxSamples = int64_t{1} << 31;
  if (n > kMaxSamples)
    throw UserError("generate: --n " + std::to_string(n) + ": expected at most " +
                    std::to_string(kMaxSamples) + " samples per file");
  const double need = static_cast<double>(n) * static_cast<double>(sample.numel()) * 4;
  const int64_t free = free_bytes_for(out);
  if (free >= 0 && need > static_cast<double>(free)) {
    char msg[320];
    std::snprintf(msg, sizeof msg,
                  "generate: --n %lld samples of %s need %.3g GB (float32) but the folder of %s "
                  "has %.3g GB free; expected at most %lld samples",
                  static_cast<long long>(n), sample.str().c_str(), need / 1e9, out.c_str(),
                  static_cast<double>(free) / 1e9,
                  static_cast<long long>(free / (sample.numel() * 4)));
    throw UserError(msg);
  }
}

class Generate : public AppCommand {
 public:
  Generate()
      : AppCommand({"generate",
                    "--checkpoint C.h5 --n N --out G.h5 [--png G.png] [--seed S]",
                    "Writes /images (N, ...) float32 in [0, 1]. Under mpirun each rank generates "
                    "a share; one file results.\n",
                    {Capability::kGenerate},
                    AppSpec::Input::kNone,
                    /*writes_output=*/true,
                    /*reads_labels=*/false,
                    /*shows_progress=*/true,
                    /*chooses_weights=*/true}) {}

 private:
  void add_options(po::options_description& o) override {
    o.add_options()("n", po::value<int64_t>(), "samples to generate")(
        "png", po::value<std::string>(), "also a PNG grid of the first samples")(
        "png-count", po::value<int64_t>()->default_value(64), "samples in the PNG")(
        "seed", po::value<uint64_t>()->default_value(1), "seed of the codes z")(
        "class", po::value<int>(),
        "a conditional model's class for every sample (default: balanced, sample i of class i "
        "mod the class count)");
  }
  void check_options() override {
    if (!options().count("n")) throw UserError("generate: --n is required (see --help)");
    n_ = option<int64_t>("n");
    if (n_ < 1) throw UserError("generate: --n must be at least 1, got " + std::to_string(n_));
    seed_ = checked_seed(option<uint64_t>("seed"));
    set_rows_to_make(n_);
  }
  void start() override {
    refuse_more_than_disk_holds(out_path(), n_, sample());
    class_ = requested_class(options(), "generate", model());
  }
  std::vector<TableColumn> output_columns() override { return {{"images", row_dims(sample())}}; }
  // A conditional model's samples carry the classes they were made of.
  bool output_has_labels() override { return model().as_conditioned() != nullptr; }
  const int* classes_of(uint64_t first, int64_t rows) {
    ClassConditioned* c = model().as_conditioned();
    if (!c) return nullptr;
    classes_ = requested_classes(first, rows, c->classes(), class_);
    c->set_classes(classes_);
    return classes_.data();
  }
  // Rank r makes the contiguous rows [r·n/size, (r+1)·n/size).
  void after_input() override {
    const int64_t begin = n_ * comm().rank() / comm().size();
    const int64_t end = n_ * (comm().rank() + 1) / comm().size();
    for (int64_t at = begin; at < end; at += batch_rows()) {
      const int64_t rows = std::min(batch_rows(), end - at);
      const int* classes = classes_of(static_cast<uint64_t>(at), rows);
      model().as_generator()->generate(rows, seed_, images_, static_cast<uint64_t>(at));
      append(static_cast<uint64_t>(at), rows, {on_host(images_, host_images_).data()}, classes);
      progress().advance(rows);
    }
  }
  void finish() override {
    if (!root()) return;
    // The PNG shows the file's first samples (made again: cheap, and any rank may hold them).
    if (options().count("png")) {
      const int64_t count = std::min(n_, option<int64_t>("png-count"));
      classes_of(0, count);
      model().as_generator()->generate(count, seed_, images_);
      const auto columns = static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(count))));
      write_comparison_grid(option<std::string>("png"), {&on_host(images_, host_images_)}, count,
                            columns);
    }
    std::cout << "generate: " << written() << " samples of " << sample().str() << " in "
              << out_path() << "\n";
  }
  const Shape& sample() { return model().config().sample_shape; }

  int64_t n_ = 0;
  uint32_t seed_ = 1;
  int class_ = -1;  // --class; -1: balanced
  std::vector<int> classes_;
  Tensor images_, host_images_;  // host copy when the model is on a GPU
};

}  // namespace
}  // namespace latent

int cmd_generate(int argc, char** argv) {
  return latent::Generate().run(argc, argv);
}
