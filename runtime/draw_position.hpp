#pragma once
// Where a random draw lands: draw k of a row belongs to the row's logical element k (C, H, W
// order), whatever the layout stores there, so every layout and device draws the same number for
// the same element. Written once for the host and for CUDA kernels.
#include <cstdint>

#include "runtime/philox.hpp"  // LATENT_HOST_DEVICE
#include "runtime/tensor.hpp"

namespace latent {

struct DrawPosition {
  int64_t cols, channels, per_channel;
  bool channels_last;

  explicit DrawPosition(const Tensor& t)
      : cols(t.shape().per_sample()),
        channels(t.rank() == 4 ? t.dim(1) : 1),
        per_channel(t.rank() == 4 ? t.dim(2) * t.dim(3) : 1),
        channels_last(t.channels_last()) {}

  // Memory position of logical element k of row n: (k % HW)·C + k / HW within a channels-last
  // row, k itself otherwise.
  LATENT_HOST_DEVICE int64_t operator()(int64_t n, int64_t k) const {
    return n * cols + (channels_last ? (k % per_channel) * channels + k / per_channel : k);
  }
};

}  // namespace latent
