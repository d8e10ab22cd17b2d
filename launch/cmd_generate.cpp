// `latent generate --checkpoint C --n N --out G.h5 [--png G.png] [--seed S]`: new samples from
// the VAE's prior or the GAN's generator, as /images in the dataset layout, so they can train
// another model (augmentation). Sample i decodes z_i ~ N(0, I) keyed by (seed, i): the same
// file for any batch size or number of ranks.
#include <cmath>
#include <cstdio>
#include <iostream>

#include "io/comparison_grid.hpp"
#include "io/disk_space.hpp"
#include "launch/app_support.hpp"
#include "launch/sharded_output.hpp"
#include "launch/subcommands.hpp"
#include "launch/world.hpp"
#include "runtime/error.hpp"
#include "runtime/host_staging.hpp"
#include "runtime/rng.hpp"

namespace po = boost::program_options;

namespace {

// A stated limit, and the free disk: a typo in --n must not run for days or fill the disk.
void refuse_more_than_disk_holds(const std::string& out, int64_t n, const latent::Shape& sample) {
  constexpr int64_t kMaxSamples = int64_t{1} << 31;
  if (n > kMaxSamples)
    throw latent::UserError("generate: --n " + std::to_string(n) + ": expected at most " +
                            std::to_string(kMaxSamples) + " samples per file");
  const double need = static_cast<double>(n) * static_cast<double>(sample.numel()) * 4;
  const int64_t free = latent::free_bytes_for(out);
  if (free >= 0 && need > static_cast<double>(free)) {
    char msg[320];
    std::snprintf(msg, sizeof msg,
                  "generate: --n %lld samples of %s need %.3g GB (float32) but the folder of %s "
                  "has %.3g GB free; expected at most %lld samples",
                  static_cast<long long>(n), sample.str().c_str(), need / 1e9, out.c_str(),
                  static_cast<double>(free) / 1e9,
                  static_cast<long long>(free / (sample.numel() * 4)));
    throw latent::UserError(msg);
  }
}

}  // namespace

int cmd_generate(int argc, char** argv) {
  using namespace latent;
  po::options_description options(
      "usage: latent generate --checkpoint C.h5 --n N --out G.h5 [--png G.png] [--seed S]"
      "\n\noptions");
  options.add_options()("help,h", "show this help")("checkpoint", po::value<std::string>(),
                                                    "checkpoint of a vae or gan")(
      "n", po::value<int64_t>(), "samples to generate")(
      "out", po::value<std::string>(), "output: /images (N, ...) float32 in [0, 1]")(
      "png", po::value<std::string>(), "also a PNG grid of the first samples")(
      "png-count", po::value<int64_t>()->default_value(64), "samples in the PNG")(
      "seed", po::value<uint64_t>()->default_value(1), "seed of the codes z")(
      "batch", po::value<int64_t>()->default_value(256), "samples per forward pass")(
      "threads", po::value<int>()->default_value(0), kThreadsHelp)(
      "device", po::value<std::string>()->default_value("cpu"), kDeviceHelp);
  auto vm = parse_command("generate", options, argc, argv);
  if (vm.count("help")) {
    std::cout << options << "\nUnder mpirun each rank generates a share; one file results.\n";
    return 0;
  }
  require_options("generate", vm, {"checkpoint", "n", "out"});
  const int64_t n = vm["n"].as<int64_t>(), batch = vm["batch"].as<int64_t>();
  if (n < 1) throw UserError("generate: --n must be at least 1, got " + std::to_string(n));
  if (batch < 1) throw UserError("generate: --batch must be at least 1");
  Communicator& comm = world();
  const Device device = use_device(vm["device"].as<std::string>());
  use_threads(vm["threads"].as<int>(), comm);
  std::string ckpt = vm["checkpoint"].as<std::string>();
  auto model = load_model(ckpt, device);
  if (!model->samples_from_prior())
    throw UserError("generate: checkpoint " + ckpt + " holds model '" + model->kind() +
                    "', which cannot generate: its code space has no prior to sample (vae and "
                    "gan checkpoints can)");

  refuse_more_than_disk_holds(vm["out"].as<std::string>(), n, model->config().sample_shape);

  // Rank r takes the contiguous rows [r*n/size, (r+1)*n/size).
  const int64_t begin = n * comm.rank() / comm.size(), end = n * (comm.rank() + 1) / comm.size();
  ShardedOutput output(vm["out"].as<std::string>(),
                       {{"images", row_dims(model->config().sample_shape)}}, false, comm);
  Progress progress("generate", n, comm);
  const uint32_t seed = checked_seed(vm["seed"].as<uint64_t>());
  Tensor images, preview, host_images;  // the model's output, and its host copy on a GPU
  const int64_t png_count = std::min(n, vm["png-count"].as<int64_t>());
  for (int64_t at = begin; at < end; at += batch) {
    const int64_t rows = std::min(batch, end - at);
    model->generate(rows, seed, images, static_cast<uint64_t>(at));
    output.append(static_cast<uint64_t>(at), rows, {on_host(images, host_images).data()}, nullptr);
    progress.advance(rows);
  }
  int64_t written = output.finish();
  // The PNG shows the file's first samples (decoded again: cheap, and any rank may hold them).
  if (comm.rank() == 0 && vm.count("png")) {
    model->generate(png_count, seed, preview);
    int64_t columns = static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(png_count))));
    write_comparison_grid(vm["png"].as<std::string>(), {&on_host(preview, host_images)}, png_count,
                          columns);
  }
  if (comm.rank() == 0)
    std::cout << "generate: " << written << " samples of " << model->config().sample_shape.str()
              << " in " << vm["out"].as<std::string>() << "\n";
  return 0;
}
