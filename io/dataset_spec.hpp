#pragma once
// Which HDF5 datasets hold a training set, and which samples of it to use.
#include <string>
#include <vector>

namespace latent {

struct DatasetSpec {
  std::string path;                    // HDF5 file
  std::string images_name = "images";  // (N, C, H, W), (N, H, W) read as (N, 1, H, W), or (N, D)
  std::string labels_name = "labels";  // (N) integers; optional unless `classes` is set
  std::vector<int> classes;            // keep only samples with these labels; empty: keep all
};

}  // namespace latent
