#pragma once
// A PNG comparing image sets row against row: the first `count` samples of each set, `columns`
// per row, the sets' rows interleaved (originals, then their reconstructions, ...), so each
// sample's versions sit one above the other.
#include <string>
#include <vector>

#include "runtime/tensor.hpp"

namespace latent {

// Every set holds at least `count` samples of the same shape: (N, C, H, W) or (N, D) with
// height * width = D (square images assumed for (N, D)).
void write_comparison_grid(const std::string& path, const std::vector<const Tensor*>& sets,
                           int64_t count, int64_t columns = 8);

}  // namespace latent
