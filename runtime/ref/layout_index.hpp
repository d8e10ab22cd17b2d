#pragma once
// Where element (n, c, h, w) of a [N,C,H,W] (or [N,C], H = W = 1) tensor sits in memory, in the
// tensor's own layout (Tensor::channels_last): the one place the reference knows layouts.
#include <cstdint>

#include "runtime/tensor.hpp"

namespace latent::ref {

inline int64_t height(const Tensor& t) {
  return t.rank() == 4 ? t.dim(2) : 1;
}
inline int64_t width(const Tensor& t) {
  return t.rank() == 4 ? t.dim(3) : 1;
}

inline int64_t offset(const Tensor& t, int64_t n, int64_t c, int64_t h, int64_t w) {
  const int64_t channels = t.dim(1), hh = height(t), ww = width(t);
  if (t.channels_last()) return ((n * hh + h) * ww + w) * channels + c;
  return ((n * channels + c) * hh + h) * ww + w;
}

// Calls f(n, c, h, w) for every element, in logical (nchw) order.
template <class F>
void for_each_index(const Tensor& t, F f) {
  for (int64_t n = 0; n < t.dim(0); ++n)
    for (int64_t c = 0; c < t.dim(1); ++c)
      for (int64_t h = 0; h < height(t); ++h)
        for (int64_t w = 0; w < width(t); ++w) f(n, c, h, w);
}

}  // namespace latent::ref
