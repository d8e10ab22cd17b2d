// One batched oneDNN matmul gives every input pixel's K² contributions; the scatter adds them
// into the image. See one_channel_image.hpp for why.
#include "runtime/cpu/one_channel_image.hpp"

#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "runtime/cpu/engine.hpp"
#include "runtime/cpu/parallel.hpp"

namespace latent::cpu {
namespace {

// Below this many input channels the direct kernel is no worse (and 1→1 is not a matmul).
constexpr int64_t kMinChannels = 8;

struct Plan {
  dnnl::matmul prim;
  dnnl::memory src, weights, cols;
  std::unordered_map<int, dnnl::memory> args;
  std::vector<float> cols_buffer;  // [N, H·W, K²]
};

// N, C, H·W, K², channels-last source
using Key = std::tuple<int64_t, int64_t, int64_t, int64_t, bool>;

Plan& plan_for(int64_t n, int64_t c, int64_t hw, int64_t kk, bool channels_last) {
  static std::map<Key, std::unique_ptr<Plan>> cache;
  auto& slot = cache[Key{n, c, hw, kk, channels_last}];
  if (slot) return *slot;
  const auto f32 = dnnl::memory::data_type::f32;
  // The source [N,C,H,W] read as N matrices [H·W, C] (each the transpose of the stored
  // [C, H·W], or stored as it is when channels-last); the weights [C, K²] shared by every image.
  dnnl::memory::desc src_md({n, hw, c}, f32,
                            channels_last ? dims{c * hw, c, 1} : dims{c * hw, 1, hw});
  dnnl::memory::desc w_md({1, c, kk}, f32, dims{c * kk, kk, 1});
  dnnl::memory::desc cols_md({n, hw, kk}, f32, dims{hw * kk, kk, 1});
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src_md, w_md, cols_md), engine());
  slot = std::make_unique<Plan>();
  slot->prim = dnnl::matmul(pd);
  slot->cols_buffer.resize(static_cast<size_t>(n * hw * kk));
  slot->src = dnnl::memory(src_md, engine(), DNNL_MEMORY_NONE);
  slot->weights = dnnl::memory(w_md, engine(), DNNL_MEMORY_NONE);
  slot->cols = dnnl::memory(cols_md, engine(), slot->cols_buffer.data());
  slot->args = {
      {DNNL_ARG_SRC, slot->src}, {DNNL_ARG_WEIGHTS, slot->weights}, {DNNL_ARG_DST, slot->cols}};
  return *slot;
}

// out[i, j] = b + Σ cols[h, w, kh, kw] over i = h·s − p + kh, j = w·s − p + kw, for one image.
void scatter(const float* cols, int64_t h_in, int64_t w_in, int64_t k, int64_t stride, int64_t pad,
             float b, float* out, int64_t h_out, int64_t w_out) {
  for (int64_t i = 0; i < h_out * w_out; ++i) out[i] = b;
  for (int64_t h = 0; h < h_in; ++h)
    for (int64_t kh = 0; kh < k; ++kh) {
      const int64_t i = h * stride - pad + kh;
      if (i < 0 || i >= h_out) continue;
      float* row = out + i * w_out;
      const float* c = cols + h * w_in * k * k + kh * k;
      for (int64_t w = 0; w < w_in; ++w, c += k * k)
        for (int64_t kw = 0; kw < k; ++kw) {
          const int64_t j = w * stride - pad + kw;
          if (j >= 0 && j < w_out) row[j] += c[kw];
        }
    }
}

}  // namespace

bool one_channel_image_applies(const Shape& src, const Shape& y, const ops::ConvGeometry& g) {
  return g.math != ops::Math::kBf16 && src.rank() == 4 && y.rank() == 4 && y[1] == 1 &&
         src[1] >= kMinChannels;
}

void one_channel_image(const Tensor& src, const Tensor& w, const Tensor* bias, Tensor& y,
                       const ops::ConvGeometry& g) {
  const int64_t n = src.dim(0), c = src.dim(1), h_in = src.dim(2), w_in = src.dim(3);
  const int64_t k = w.dim(3), h_out = y.dim(2), w_out = y.dim(3);
  Plan& p = plan_for(n, c, h_in * w_in, k * k, src.channels_last());
  bind(p.src, src), bind(p.weights, w);
  p.prim.execute(stream(), p.args);
  stream().wait();
  const float b = bias ? bias->data()[0] : 0.0f;
  const float* cols = p.cols_buffer.data();
  float* out = y.data();
  const int64_t col_stride = h_in * w_in * k * k, image = h_out * w_out;
  parallel_pieces(
      n,
      [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
          scatter(cols + i * col_stride, h_in, w_in, k, g.stride, g.pad, b, out + i * image, h_out,
                  w_out);
      },
      /*grain=*/8);
}

}  // namespace latent::cpu
