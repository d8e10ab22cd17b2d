#pragma once
// Convolving a 1-channel image into C channels-last channels (Conv2d 1→C forward and backward-
// weights: the DCGAN discriminator's first layer) as im2col plus one matmul. oneDNN 2.6's
// direct kernels for C_in = 1 write channels-last output at 61 GFLOP/s (0.84 ms for the
// DCGAN's 128×1×28×28 → 64×14×14) and want the backward's channels-last gradient reordered to
// their blocked layout first (0.7 ms) where the matmul takes it as it is. As matrices the work is
// y[N·H'·W', C] = cols[N·H'·W', K²]·wᵀ and dwᵀ = colsᵀ·dy: 0.23 and 0.25 ms in a standalone
// timing on this machine, plus the column gather.
#include "runtime/cpu/engine.hpp"
#include "runtime/ops.hpp"

namespace latent::cpu {

// Whether the one-channel-source path handles x [N,1,H,W] → y [N,C,H',W'] (y channels-last)
// with square K×K weights. It multiplies in float32: a bf16 convolution takes oneDNN's general
// primitives instead.
bool one_channel_source_applies(const Tensor& x, const Tensor& y, const ops::ConvGeometry& g);

// y = conv(x, w) + b, w [C,1,K,K]; bias may be null. relu_alpha ≥ 0: then ReLU with that
// negative slope applied as y is written (kNoRelu: none).
void one_channel_source_forward(const Tensor& x, const Tensor& w, const Tensor* bias, Tensor& y,
                                const ops::ConvGeometry& g, float relu_alpha = kNoRelu);

// dw += ∂/∂w, db += Σ dy (db may be null), for dy [N,C,H',W'] channels-last.
void one_channel_source_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db,
                                const ops::ConvGeometry& g);

}  // namespace latent::cpu
