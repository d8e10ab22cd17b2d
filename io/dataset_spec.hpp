#pragma once
// Which HDF5 datasets hold a training set, and which samples of it to use.
#include <cstdint>
#include <string>
#include <vector>

namespace latent {

struct DatasetSpec {
  std::string path;                    // HDF5 file
  std::string images_name = "images";  // (N, C, H, W), (N, H, W) read as (N, 1, H, W), or (N, D)
  std::string labels_name = "labels";  // (N) integers; optional unless `classes` is set
  std::vector<int> classes;            // keep only samples with these labels; empty: keep all

  // A held-out split of one file (--val-fraction): each row belongs to the held-out part with
  // probability `holdout_fraction`, decided by a hash of (holdout_seed, row), so the split is
  // uniform whatever order the file is in and the same on every rank and every run.
  enum class Part { kAll, kTrain, kHoldout };
  Part part = Part::kAll;
  double holdout_fraction = 0.0;
  uint32_t holdout_seed = 0;
  bool keeps_row(int64_t row) const;
};

}  // namespace latent
