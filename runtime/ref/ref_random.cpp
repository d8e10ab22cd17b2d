// Reference random fills and input corruption. Element j of row n of t[N, ...], j counted in
// logical (C, H, W) order whatever the tensor's layout, takes Philox draw j of counter index
// first_index + n: philox::uniform and philox::normal say which block and word that is. A draw
// belongs to the element, not to where a layout stores it, so channels-last and nchw tensors
// (and a GPU keeping another layout) draw the same numbers for the same element. Scaling is one
// fused multiply-add, as runtime/philox.hpp prescribes for every device, so the numbers agree bit
// for bit.
#include <cmath>

#include "runtime/philox.hpp"
#include "runtime/ref/layout_index.hpp"
#include "runtime/ref/ref_ops.hpp"

namespace latent::ref {
namespace {

// Calls f(i, index, j): memory position i holds logical element j of the row with global index
// `index`. Tensors of rank other than 4 are plain rows.
template <class F>
void for_each_draw(const Tensor& t, uint64_t first_index, F f) {
  const int64_t cols = t.shape().per_sample();
  if (t.rank() != 4) {
    for (int64_t n = 0; n < t.dim(0); ++n)
      for (int64_t j = 0; j < cols; ++j) f(n * cols + j, first_index + n, static_cast<uint64_t>(j));
    return;
  }
  const int64_t per_channel = height(t) * width(t);
  for_each_index(t, [&](int64_t n, int64_t c, int64_t h, int64_t w) {
    const int64_t j = c * per_channel + h * width(t) + w;
    f(offset(t, n, c, h, w), first_index + n, static_cast<uint64_t>(j));
  });
}

float uniform(RandomKey key, uint64_t index, uint64_t j) {
  return philox::uniform(key.seed, key.stream, index, j);
}
float normal(RandomKey key, uint64_t index, uint64_t j) {
  return philox::normal(key.seed, key.stream, index, j);
}

}  // namespace

void random_uniform(Tensor& t, RandomKey key, uint64_t first_index, float lo, float hi) {
  for_each_draw(t, first_index, [&](int64_t i, uint64_t index, uint64_t j) {
    t.data()[i] = std::fma(hi - lo, uniform(key, index, j), lo);
  });
}

void random_normal(Tensor& t, RandomKey key, uint64_t first_index, float mean, float stddev) {
  for_each_draw(t, first_index, [&](int64_t i, uint64_t index, uint64_t j) {
    t.data()[i] = std::fma(stddev, normal(key, index, j), mean);
  });
}

void dropout_mask(Tensor& mask, RandomKey key, uint64_t first_index, float p) {
  const float keep = 1.0f / (1.0f - p);  // in float, as every backend computes it
  for_each_draw(mask, first_index, [&](int64_t i, uint64_t index, uint64_t j) {
    mask.data()[i] = uniform(key, index, j) < p ? 0.0f : keep;
  });
}

void corrupt(Noise kind, float level, RandomKey key, const Tensor& x, Tensor& y,
             uint64_t first_index) {
  for_each_draw(x, first_index, [&](int64_t i, uint64_t index, uint64_t j) {
    const float v = x.data()[i];
    switch (kind) {
      case Noise::kNone:
        y.data()[i] = v;
        break;
      case Noise::kGaussian:
        y.data()[i] = std::fma(level, normal(key, index, j), v);
        break;
      case Noise::kMasking:
        y.data()[i] = uniform(key, index, j) < level ? 0.0f : v;
        break;
      case Noise::kSaltPepper: {
        const float u = uniform(key, index, j);
        y.data()[i] = u < 0.5f * level ? 0.0f : (u < level ? 1.0f : v);
        break;
      }
    }
  });
}

}  // namespace latent::ref
