#pragma once
// The pictures a run leaves at each epoch's end: reconstructions of the run's first images
// (models that reconstruct) and samples (models that generate). Previews only: drawn for image
// samples (C, H, W) with 1 or 3 channels, and a grid that cannot be drawn is reported, never the
// end of a run.
#include <cstdint>
#include <vector>

#include "models/model.hpp"
#include "models/run_folder.hpp"

namespace latent {

class EpochGrids {
 public:
  // `images` rows of each grid; `draws_images`: the kind's trait.
  EpochGrids(Model& model, RunFolder& folder, uint32_t seed, int64_t images);
  // Whether grids are drawn for samples of this shape (notes it once when they are not images).
  void decide(const Shape& sample_shape, bool draws_images);
  // Keeps the first rows the run sees (rank 0), and their labels (a conditional model
  // reconstructs with them): every epoch reconstructs the same ones.
  void remember(const Tensor& images, const std::vector<int>* labels);
  void draw(int64_t epoch);

 private:
  void draw_or_throw(int64_t epoch);

  Model& model_;
  RunFolder& folder_;
  uint32_t seed_;
  int64_t images_;
  bool drawable_ = false;
  Tensor first_;  // the run's first images, in host memory
  std::vector<int> first_labels_;
  Tensor device_first_, out_, host_out_;  // staged copies when the model is on a GPU
};

}  // namespace latent
