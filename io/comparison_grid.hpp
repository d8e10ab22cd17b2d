#pragma once
// A PNG comparing image sets row against row: the first `count` samples of each set, `columns`
// per row, the sets' rows interleaved (originals, then their reconstructions, ...), so each
// sample's versions sit one above the other; a wider gap separates one group of rows from the
// next, so each original stays visibly paired with its reconstruction.
#include <string>
#include <vector>

#include "io/image_grid.hpp"
#include "runtime/tensor.hpp"

namespace latent {

// Every set holds at least `count` samples of the same shape: (N, C, H, W) or (N, D) with
// height * width = D (square images assumed for (N, D)). `path` names the output in errors.
ImageGrid draw_comparison_grid(const std::string& path, const std::vector<const Tensor*>& sets,
                               int64_t count, int64_t columns = 8);
// draw_comparison_grid written to `path`.
void write_comparison_grid(const std::string& path, const std::vector<const Tensor*>& sets,
                           int64_t count, int64_t columns = 8);

}  // namespace latent
