#pragma once
// The classes a dataset's labels span: how `latent train --model classifier` sizes its output
// layer when --num-classes is left to the data.
#include "io/dataset_spec.hpp"

namespace latent {

// 1 + the largest label of the whole labels dataset (all rows: --classes and held-out splits
// do not change what a label means). Reads the labels in pieces. UserError naming the file
// when it has no labels dataset, or a label is negative.
int count_label_classes(const DatasetSpec& spec);

}  // namespace latent
