// Convolution and transposed convolution through cuDNN (runtime/cuda/cudnn_legacy.cpp), with the
// bias added and its gradient summed here (per channel, in double, deterministic).
//
// A transposed convolution is the gradient of a convolution: its forward is that convolution's
// backward-data, its backward-data that convolution's forward, its weight gradient the same
// convolution's filter gradient with x and dy swapped. That convolution maps the transposed one's
// output y [N,O,H',W'] to its input x [N,C,H,W], so its filter is [C,O,K,K]: our weights
// w[o,c,kh,kw] (oneDNN's layout, O the output channels, no flip) with the first two axes swapped,
// which cuDNN's filter descriptors cannot express by strides. The weights are transposed into a
// scratch copy (small beside the activations).
#include "runtime/cuda/channels.cuh"
#include "runtime/cuda/cuda_ops.hpp"
#include "runtime/cuda/cudnn_legacy.hpp"
#include "runtime/cuda/device_allocator.hpp"

namespace latent::cuda {
namespace {

ConvProblem problem(const Tensor& in, const Tensor& out, int64_t k, int64_t c, int64_t r,
                    const ops::ConvGeometry& g) {
  ConvProblem p;
  p.x = dims4(in), p.y = dims4(out);
  p.k = static_cast<int>(k), p.c = static_cast<int>(c), p.r = static_cast<int>(r);
  p.stride = static_cast<int>(g.stride), p.pad = static_cast<int>(g.pad);
  p.math = g.math;
  return p;
}

// The convolution whose gradient the transposed one with weights w [O,C,K,K] is: x → its input.
ConvProblem transposed_problem(const Tensor& x, const Tensor& y, const Tensor& w,
                               const ops::ConvGeometry& g) {
  return problem(y, x, w.dim(1), w.dim(0), w.dim(2), g);
}

// to[b, a, k] (+)= from[a, b, k] for from [A, B, KK].
void swap_first_axes(const float* from, float* to, int64_t a_count, int64_t b_count, int64_t kk,
                     bool accumulate) {
  for_each_index(
      a_count * b_count * kk,
      [=] __device__(int64_t i) {
        // i indexes `to`: (b, a, k)
        const int64_t k = i % kk, a = (i / kk) % a_count, b = i / (kk * a_count);
        const float v = from[(a * b_count + b) * kk + k];
        to[i] = accumulate ? to[i] + v : v;
      },
      "swap_first_axes");
}

// w [O,C,K,K] as the [C,O,K,K] filter of the convolution a transposed one is the gradient of.
struct SwappedWeights {
  DeviceScratch block;
  explicit SwappedWeights(const Tensor& w) : block(w.numel() * sizeof(float)) {
    swap_first_axes(w.data(), data(), w.dim(0), w.dim(1), w.dim(2) * w.dim(3), false);
  }
  float* data() const { return block.as<float>(); }
};

// y[n, o, ...] += b[o], in y's layout.
void add_bias(const Tensor* b, Tensor& y) {
  if (!b) return;
  const ChannelLayout l = channel_layout(y);
  const float* pb = b->data();
  float* py = y.data();
  for_each_index(
      y.numel(), [=] __device__(int64_t i) { py[i] += pb[l.channel_of(i)]; }, "add_bias");
}

// db[o] += Σ dy[n, o, ...] (the gradient rule: parameter gradients accumulate).
void accumulate_bias_gradient(const Tensor& dy, Tensor* db) {
  if (!db) return;
  const float* p = dy.data();
  float* g = db->data();
  for_each_channel_sum(
      channel_layout(dy), [=] __device__(int64_t, int64_t i) { return static_cast<double>(p[i]); },
      [=] __device__(int64_t ch, double total) { g[ch] += static_cast<float>(total); },
      "bias_gradient");
}

}  // namespace

void conv2d_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y,
                    const ops::ConvGeometry& g) {
  dnn_conv_forward(problem(x, y, w.dim(0), w.dim(1), w.dim(2), g), x.data(), w.data(), y.data());
  add_bias(b, y);
}

void conv2d_backward_data(const Tensor& dy, const Tensor& w, Tensor& dx,
                          const ops::ConvGeometry& g) {
  dnn_conv_backward_data(problem(dx, dy, w.dim(0), w.dim(1), w.dim(2), g), dy.data(), w.data(),
                         dx.data());
}

void conv2d_backward_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db,
                             const ops::ConvGeometry& g) {
  dnn_conv_backward_filter(problem(x, dy, dw.dim(0), dw.dim(1), dw.dim(2), g), x.data(), dy.data(),
                           dw.data(), 1.0f);
  accumulate_bias_gradient(dy, db);
}

void deconv2d_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y,
                      const ops::ConvGeometry& g) {
  // y = the gradient of (y ⋆ f) with respect to y, for x in the place of dy.
  const SwappedWeights f(w);
  dnn_conv_backward_data(transposed_problem(x, y, w, g), x.data(), f.data(), y.data());
  add_bias(b, y);
}

void deconv2d_backward_data(const Tensor& dy, const Tensor& w, Tensor& dx,
                            const ops::ConvGeometry& g) {
  // dx = dy ⋆ f: the convolution itself, dy [N,O,H',W'] to dx [N,C,H,W].
  const SwappedWeights f(w);
  dnn_conv_forward(transposed_problem(dx, dy, w, g), dy.data(), f.data(), dx.data());
}

void deconv2d_backward_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db,
                               const ops::ConvGeometry& g) {
  // The convolution's filter gradient with dy as its input and x as its output gradient, into a
  // [C,O,K,K] scratch, then added into dw [O,C,K,K] with the axes swapped back.
  DeviceScratch swapped(dw.numel() * sizeof(float));
  dnn_conv_backward_filter(transposed_problem(x, dy, dw, g), dy.data(), x.data(),
                           swapped.as<float>(), 0.0f);
  swap_first_axes(swapped.as<float>(), dw.data(), dw.dim(1), dw.dim(0), dw.dim(2) * dw.dim(3),
                  true);
  accumulate_bias_gradient(dy, db);
}

}  // namespace latent::cuda
