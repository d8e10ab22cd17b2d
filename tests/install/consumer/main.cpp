// Trains an autoencoder a few steps with latent's installed libraries, saves a checkpoint and
// reloads it into a fresh model: the models (make_model), the runtime (oneDNN, MPI) and io (HDF5)
// all linked from the installed package. Exit status 0 when the loss fell and the reloaded
// model agrees with the trained one.
#include <cmath>
#include <cstdio>
#include <string>

#include "models/model.hpp"
#include "models/model_checkpoint.hpp"
#include "models/model_kinds.hpp"
#include "runtime/build_info.hpp"

namespace {

// 512 images of 8x8 bars: each lights one row and one column, so an autoencoder with a small
// code learns them quickly.
latent::Tensor bars() {
  latent::Tensor data(latent::Shape{512, 1, 8, 8});
  for (int64_t i = 0; i < 512; ++i) {
    const int64_t row = i % 8, column = (i / 8) % 8;
    for (int64_t y = 0; y < 8; ++y)
      for (int64_t x = 0; x < 8; ++x)
        data.data()[i * 64 + y * 8 + x] = (y == row || x == column) ? 1.0f : 0.0f;
  }
  return data;
}

double mean_loss(latent::Model& model, const latent::Tensor& data) {
  latent::BatchInfo info{0, data.dim(0), 1, 1.0f, 0, nullptr};
  return model.evaluate(data, info, nullptr).get("loss") / static_cast<double>(data.dim(0));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string checkpoint = argc > 1 ? argv[1] : "consumer.h5";
  std::printf("%s\n", latent::version_line().c_str());
  latent::ModelConfig config;
  config.kind = "ae";
  config.hidden = {32};
  config.latent = 8;
  config.lr = 1e-2f;
  config.sample_shape = latent::Shape{1, 8, 8};
  latent::validate(config);
  auto model = latent::make_model(config, 1);

  const latent::Tensor data = bars();
  const double before = mean_loss(*model, data);
  const int64_t batch = 64, steps = 60;
  for (int64_t step = 0; step < steps; ++step) {
    const int64_t first = (step * batch) % data.dim(0);
    latent::BatchInfo info{static_cast<uint64_t>(first), batch, 1, 1.0f, step, nullptr};
    model->train_step(data.slice(first, first + batch), info);
  }
  const double after = mean_loss(*model, data);
  std::printf("consumer: ae loss %.3f before, %.3f after %lld steps\n", before, after,
              static_cast<long long>(steps));

  latent::save_checkpoint(*model, checkpoint, "model = ae\n", latent::TrainingPosition{steps});
  auto reloaded = latent::make_model(config, 2);
  latent::load_checkpoint(*reloaded, checkpoint);
  const double again = mean_loss(*reloaded, data);
  std::printf("consumer: reloaded from %s: loss %.3f\n", checkpoint.c_str(), again);

  if (!(after < 0.7 * before)) {
    std::fprintf(stderr, "consumer: the loss did not fall\n");
    return 1;
  }
  if (std::fabs(again - after) > 1e-6 * std::fabs(after)) {
    std::fprintf(stderr, "consumer: the reloaded model differs\n");
    return 1;
  }
  return 0;
}
