#pragma once
// Splitting a memory-bound pass over the compute threads (oneDNN's OpenMP pool). A pass of a
// few thousand elements is cheaper on one thread than the fork and join, so small ones stay
// serial; large ones (Adam over the parameters, a batch's losses) are cut into one contiguous
// piece per thread.
#include <omp.h>

#include <algorithm>
#include <cstdint>

namespace latent::cpu {

// Elements below which a pass stays on the calling thread.
constexpr int64_t kParallelGrain = 1 << 15;

// Calls f(begin, end) over pieces covering [0, n), one per thread when n is worth it. Pieces
// start at multiples of 16 elements (a cache line of floats).
template <class F>
void parallel_pieces(int64_t n, F f, int64_t grain = kParallelGrain) {
  const int threads = omp_get_max_threads();
  if (threads <= 1 || n < 2 * grain) {
    f(int64_t{0}, n);
    return;
  }
  const int pieces = static_cast<int>(std::min<int64_t>(threads, n / grain));
  const int64_t piece = (n / pieces + 15) / 16 * 16;
#pragma omp parallel for num_threads(pieces) schedule(static)
  for (int p = 0; p < pieces; ++p) {
    const int64_t begin = std::min(n, p * piece),
                  end = p + 1 == pieces ? n : std::min(n, begin + piece);
    if (begin < end) f(begin, end);
  }
}

}  // namespace latent::cpu
