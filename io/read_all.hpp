#pragma once
// Reads a whole (small) dataset into memory: eval sets, tests, tools.
#include <vector>

#include "io/dataset_spec.hpp"
#include "runtime/tensor.hpp"

namespace latent {

struct LoadedDataset {
  Tensor images;            // (N, C, H, W) or (N, D), floats in file order (uint8 scaled to [0, 1])
  std::vector<int> labels;  // N labels, or empty when the file has none
};

// Same validation as StreamingDataset (plus NaN/Inf over every sample, naming its row);
// `spec.classes` keeps only those labels.
LoadedDataset read_all(const DatasetSpec& spec);

}  // namespace latent
