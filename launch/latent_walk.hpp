#pragma once
// The pieces of `latent interpolate`: the two end samples read from a file, the path between
// their codes, and the PNG strip with its ends framed and captioned.
#include <cstdint>
#include <string>

#include "io/dataset_spec.hpp"
#include "runtime/tensor.hpp"

namespace latent {

// Rows `from` and `to` of the data file, streamed (the file may be larger than memory), and
// their labels (-1 where the file has none). UserError naming a row outside the file.
Tensor read_two_rows(const DatasetSpec& spec, int64_t from, int64_t to, int (&labels)[2]);

// Code at fraction t between a and b: linear, or along the great circle (slerp) scaled
// between their norms; slerp falls back to linear for (anti)parallel codes.
void between(const float* a, const float* b, int64_t k, double t, bool slerp, float* out);

// The strip is one row of steps + 2 images: refused before any decoding when it would be wider
// than a PNG can be.
void expect_strip_fits(int64_t steps, const Shape& sample);

// The strip (I, the walk, J) with its ends framed and captioned: "ROW n" and "LABEL k".
void write_strip(const std::string& path, const Tensor& strip, const int64_t rows[2],
                 const int labels[2]);

}  // namespace latent
