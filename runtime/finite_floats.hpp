#pragma once
// Whether host floats are all finite, in one vectorized pass: shared by the dataset reader
// (which checks every stored sample as it copies it into a batch) and the CPU backend.
#include <cstdint>

namespace latent {

// True when none of p[0..n) is NaN or Inf.
bool floats_finite(const float* p, int64_t n);

// Copies p[0..n) to out; true when none of them is NaN or Inf.
bool copy_floats_finite(const float* p, int64_t n, float* out);

}  // namespace latent
