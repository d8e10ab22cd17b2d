// A copy between the two layouts of a [N,C,H,W] tensor (nchw and channels-last): one thread per
// destination element, reading the source where the same (n, c, h, w) sits.
#include "runtime/cuda/cuda_ops.hpp"
#include "runtime/cuda/launch.cuh"

namespace latent::cuda {

void copy_layout(const Tensor& src, Tensor& dst) {
  if (src.channels_last() == dst.channels_last()) return copy(src, dst);
  // Differing layouts imply rank 4 (set_channels_last keeps other ranks nchw).
  const int64_t c = dst.dim(1), plane = dst.dim(2) * dst.dim(3);
  const bool to_last = dst.channels_last();
  const float* s = src.data();
  float* d = dst.data();
  for_each_index(
      dst.numel(),
      [=] __device__(int64_t i) {
        // i as (n, ch, p) in the destination's layout, p the position in the H·W plane.
        const int64_t n = i / (c * plane), r = i % (c * plane);
        const int64_t ch = to_last ? r % c : r / plane, p = to_last ? r / c : r % plane;
        const int64_t from = to_last ? (n * c + ch) * plane + p : (n * plane + p) * c + ch;
        d[i] = s[from];
      },
      "copy_layout");
}

}  // namespace latent::cuda
