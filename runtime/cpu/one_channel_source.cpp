// Conv2d 1→C as im2col plus one oneDNN matmul. See one_channel_source.hpp for why.
#include "runtime/cpu/one_channel_source.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "runtime/cpu/engine.hpp"
#include "runtime/cpu/parallel.hpp"

namespace latent::cpu {
namespace {

// Below this many output channels oneDNN's direct kernel is no worse.
constexpr int64_t kMinChannels = 8;

// N, H, W, H', W', C, K, stride, pad, bias, the forward's ReLU slope (kNoRelu: none)
using Key = std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t,
                       int64_t, bool, float>;

struct Plan {
  int64_t n, h, w, h_out, w_out, k, stride, pad;
  int64_t bwd_width;           // backward's columns per output pixel: the K² taps, a 1 for Σ dy
  std::vector<float> cols;     // [N·H'·W', K²] for forward, [N·H'·W', bwd_width] for backward
  std::vector<float> weights;  // [bwd_width, C]: dwᵀ (and db) of one backward
  dnnl::matmul forward, backward;
  dnnl::memory fwd_cols, fwd_w, fwd_b, fwd_y, bwd_cols, bwd_dy, bwd_dw;
  std::unordered_map<int, dnnl::memory> fwd_args, bwd_args;

  // cols[p, kh·K + kw] = x at the tap (0 in the padding), and cols[p, K²] = 1 when wider.
  // (The forward's columns are dense: its matmul then runs oneDNN's brgemm kernel, not gemm.)
  // By kernel row: a row in the padding is zeros, and away from the left and right edges a
  // pixel's K taps are K consecutive inputs, copied without per-tap bounds tests.
  void gather(const Tensor& x, int64_t width) {
    const float* in = x.data();
    const int64_t kk = k * k, pixels = h_out * w_out;
    parallel_pieces(
        n,
        [&](int64_t begin, int64_t end) {
          for (int64_t i = begin; i < end; ++i)
            for (int64_t oh = 0; oh < h_out; ++oh)
              gather_row(in + i * h * w, oh, cols.data() + (i * pixels + oh * w_out) * width, width,
                         kk);
        },
        /*grain=*/8);
  }

  // The columns of output row oh of one image.
  void gather_row(const float* image, int64_t oh, float* c, int64_t width, int64_t kk) const {
    for (int64_t kh = 0; kh < k; ++kh) {
      const int64_t ih = oh * stride - pad + kh;
      float* tap = c + kh * k;
      if (ih < 0 || ih >= h) {
        for (int64_t ow = 0; ow < w_out; ++ow) std::fill_n(tap + ow * width, k, 0.0f);
        continue;
      }
      const float* row = image + ih * w;
      for (int64_t ow = 0; ow < w_out; ++ow) {
        const int64_t iw = ow * stride - pad;
        float* out = tap + ow * width;
        if (iw >= 0 && iw + k <= w) {
          std::copy_n(row + iw, k, out);
        } else {
          for (int64_t kw = 0; kw < k; ++kw)
            out[kw] = iw + kw >= 0 && iw + kw < w ? row[iw + kw] : 0.0f;
        }
      }
    }
    if (width > kk)
      for (int64_t ow = 0; ow < w_out; ++ow) c[ow * width + kk] = 1.0f;
  }
};

Plan& plan_for(const Tensor& x, const Tensor& y, int64_t k, const ops::ConvGeometry& g, bool bias,
               float relu_alpha = kNoRelu) {
  static std::map<Key, std::unique_ptr<Plan>> cache;
  const int64_t c = y.dim(1);
  Key key{x.dim(0), x.dim(2), x.dim(3), y.dim(2), y.dim(3),  c,
          k,        g.stride, g.pad,    bias,     relu_alpha};
  auto& slot = cache[key];
  if (slot) return *slot;
  slot = std::make_unique<Plan>();
  Plan& p = *slot;
  p.n = x.dim(0), p.h = x.dim(2), p.w = x.dim(3), p.h_out = y.dim(2), p.w_out = y.dim(3);
  p.k = k, p.stride = g.stride, p.pad = g.pad;
  const int64_t kk = k * k, rows = p.n * p.h_out * p.w_out;
  p.bwd_width = kk + (bias ? 1 : 0);
  p.cols.resize(static_cast<size_t>(rows * p.bwd_width));
  p.weights.resize(static_cast<size_t>(p.bwd_width * c));
  const auto f32 = dnnl::memory::data_type::f32;

  // y[rows, C] = cols[rows, K²]·wᵀ + b: w [C, K²] read transposed, y is the channels-last output.
  dnnl::memory::desc cols_md({rows, kk}, f32, dims{kk, 1});
  dnnl::memory::desc w_md({kk, c}, f32, dims{1, kk});
  dnnl::memory::desc b_md =
      bias ? dnnl::memory::desc({1, c}, f32, dims{c, 1}) : dnnl::memory::desc();
  dnnl::memory::desc y_md({rows, c}, f32, dims{c, 1});
  p.forward = dnnl::matmul(dnnl::matmul::primitive_desc(
      dnnl::matmul::desc(cols_md, w_md, b_md, y_md), relu_post_op(relu_alpha), engine()));
  p.fwd_cols = dnnl::memory(cols_md, engine(), p.cols.data());
  p.fwd_w = dnnl::memory(w_md, engine(), DNNL_MEMORY_NONE);
  p.fwd_y = dnnl::memory(y_md, engine(), DNNL_MEMORY_NONE);
  p.fwd_args = {{DNNL_ARG_SRC, p.fwd_cols}, {DNNL_ARG_WEIGHTS, p.fwd_w}, {DNNL_ARG_DST, p.fwd_y}};
  if (bias) {
    p.fwd_b = dnnl::memory(b_md, engine(), DNNL_MEMORY_NONE);
    p.fwd_args[DNNL_ARG_BIAS] = p.fwd_b;
  }

  // [bwd_width, C] = colsᵀ·dy: the taps' rows give dwᵀ, the row of ones Σ dy.
  dnnl::memory::desc cols_t_md({p.bwd_width, rows}, f32, dims{1, p.bwd_width});
  dnnl::memory::desc dy_md({rows, c}, f32, dims{c, 1});
  dnnl::memory::desc dw_md({p.bwd_width, c}, f32, dims{c, 1});
  p.backward = dnnl::matmul(
      dnnl::matmul::primitive_desc(dnnl::matmul::desc(cols_t_md, dy_md, dw_md), engine()));
  p.bwd_cols = dnnl::memory(cols_t_md, engine(), p.cols.data());
  p.bwd_dy = dnnl::memory(dy_md, engine(), DNNL_MEMORY_NONE);
  p.bwd_dw = dnnl::memory(dw_md, engine(), p.weights.data());
  p.bwd_args = {{DNNL_ARG_SRC, p.bwd_cols}, {DNNL_ARG_WEIGHTS, p.bwd_dy}, {DNNL_ARG_DST, p.bwd_dw}};
  return p;
}

}  // namespace

bool one_channel_source_applies(const Tensor& x, const Tensor& y, const ops::ConvGeometry& g) {
  return g.math != ops::Math::kBf16 && x.shape().rank() == 4 && y.shape().rank() == 4 &&
         x.dim(1) == 1 && y.dim(1) >= kMinChannels && y.channels_last();
}

void one_channel_source_forward(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& y,
                                const ops::ConvGeometry& g, float relu_alpha) {
  Plan& p = plan_for(x, y, w.dim(3), g, bias != nullptr, relu_alpha);
  p.gather(x, p.k * p.k);
  bind(p.fwd_w, w), bind(p.fwd_y, y);
  if (bias) bind(p.fwd_b, *bias);
  p.forward.execute(stream(), p.fwd_args);
  stream().wait();
}

void one_channel_source_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db,
                                const ops::ConvGeometry& g) {
  Plan& p = plan_for(x, dy, dw.dim(3), g, db != nullptr);
  p.gather(x, p.bwd_width);
  bind(p.bwd_dy, dy);
  p.backward.execute(stream(), p.bwd_args);
  stream().wait();
  // Gradients accumulate: add the [bwd_width, C] result, transposed, into dw [C, K²] and db [C].
  const int64_t c = dy.dim(1), kk = p.k * p.k;
  float* w_grad = dw.data();
  for (int64_t o = 0; o < c; ++o)
    for (int64_t t = 0; t < kk; ++t) w_grad[o * kk + t] += p.weights[t * c + o];
  if (db)
    for (int64_t o = 0; o < c; ++o) db->data()[o] += p.weights[kk * c + o];
}

}  // namespace latent::cpu
