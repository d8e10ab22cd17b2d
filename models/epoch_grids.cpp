#include "models/epoch_grids.hpp"

#include <cstdio>

#include "models/average_weights.hpp"
#include "runtime/host_staging.hpp"

namespace latent {

EpochGrids::EpochGrids(Model& model, RunFolder& folder, uint32_t seed, int64_t images)
    : model_(model), folder_(folder), seed_(seed), images_(images) {}

void EpochGrids::decide(const Shape& sample, bool draws_images) {
  const bool image = sample.rank() == 3 && (sample[0] == 1 || sample[0] == 3);
  drawable_ = folder_.writer() && draws_images && image;
  if (folder_.writer() && draws_images && !image)
    std::fprintf(stderr, "latent: note: samples of shape %s are not images; no PNG grids\n",
                 sample.str().c_str());
}

void EpochGrids::remember(const Tensor& images, const std::vector<int>* labels) {
  if (!drawable_ || !first_.empty()) return;
  const int64_t n = std::min(images_, images.dim(0));
  first_ = Tensor(images.slice(0, n).shape());
  first_.copy_from(images.slice(0, n));
  if (labels && !labels->empty()) first_labels_.assign(labels->begin(), labels->begin() + n);
}

void EpochGrids::draw(int64_t epoch) {
  if (!drawable_) return;
  try {
    draw_or_throw(epoch);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "latent: warning: no PNG grids for epoch %lld: %s\n",
                 static_cast<long long>(epoch + 1), e.what());
  }
}

void EpochGrids::draw_or_throw(int64_t epoch) {
  if (Reconstructor* r = model_.as_reconstructor(); r && !first_.empty()) {
    r->reconstruct(on_device(first_, model_.config().device, device_first_),
                   BatchInfo{0, first_.dim(0), seed_, 1.0f, 0,
                             first_labels_.empty() ? nullptr : &first_labels_},
                   out_);
    // One picture of pairs: each row of originals above the row of their reconstructions.
    folder_.write_grid("reconstructions", epoch, {&first_, &on_host(out_, host_out_)});
  }
  if (Generator* g = model_.as_generator()) {
    // A conditional model draws one row per class (8 samples each).
    int64_t rows = images_, columns = 8;
    if (ClassConditioned* c = model_.as_conditioned()) {
      rows = c->classes() * columns;
      std::vector<int> classes(static_cast<size_t>(rows));
      for (int64_t i = 0; i < rows; ++i) classes[i] = static_cast<int>(i / columns);
      c->set_classes(classes);
    }
    auto draw = [&](const std::string& name) {
      g->generate(rows, seed_, out_);
      const Tensor& host = on_host(out_, host_out_);
      folder_.write_grid(name, epoch, {&host}, columns);
    };
    draw("samples");
    // With a moving average of the generator's weights: its samples of the same codes too.
    AverageWeights averaged(model_);
    if (averaged.any()) draw("samples_ema");
  }
}

}  // namespace latent
