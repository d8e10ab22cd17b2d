#pragma once
// The sample shape of a dataset file, validated (the model's input layer is built from it).
#include "io/dataset_spec.hpp"
#include "io/streaming_dataset.hpp"

namespace latent {

inline Shape dataset_sample_shape(const DatasetSpec& spec) {
  StreamingOptions o;
  o.batch_per_rank = 1;
  o.buffer_mb = 1;
  return StreamingDataset(spec, o).sample_shape();
}

}  // namespace latent
