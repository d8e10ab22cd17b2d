#pragma once
// The classes a dataset's labels span: how `latent train --model classifier` sizes its output
// layer when --num-classes is left to the data.
#include "io/dataset_spec.hpp"

namespace latent {

// The most classes a classifier (or a conditional model) takes: 100,000, well above
// ImageNet-21k's 21,841. A label beyond it is a damaged or mistaken labels dataset (one stray
// 10^9 would size a 9 GB output layer).
inline constexpr int kMaxClasses = 100000;

// 1 + the largest label of the whole labels dataset (all rows: --classes and held-out splits
// do not change what a label means). Reads the labels in pieces. UserError naming the file,
// row and value when it has no labels dataset, or a label is negative or kMaxClasses or more.
int count_label_classes(const DatasetSpec& spec);

}  // namespace latent
