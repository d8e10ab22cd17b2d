#pragma once
// Making a 1-channel image from C channels (ConvTranspose2d C→1 forward, and the same
// computation as Conv2d 1→C backward-data) as one batched matmul plus a scatter. oneDNN 2.6's
// direct kernels block channels by 16, so with one output channel they leave nearly every
// vector lane idle (8–12 GFLOP/s against ~220 for a matmul on this machine, bench/RESULTS.md);
// as [H·W, C]·[C, K²] per image the work is a plain matmul, and the scatter (col2im) adds each
// image pixel's K² contributions into place.
#include "runtime/ops.hpp"

namespace latent::cpu {

// Whether one_channel_image handles src [N,C,H,W] → y [N,1,H',W'] with square K×K weights
// (C·K² values): one output channel, enough input channels for the matmul to pay off. It
// multiplies in float32: a bf16 convolution takes oneDNN's general primitives instead.
bool one_channel_image_applies(const Shape& src, const Shape& y, const ops::ConvGeometry& g);

// y[n,0,i,j] = b + Σ_{c,kh,kw} src[n,c,h,w]·w[c,kh,kw] over i = h·stride − pad + kh,
// j = w·stride − pad + kw (the transposed convolution; the kernel is not flipped). w holds
// C·K·K values in [c][kh][kw] order: a ConvTranspose2d C→1's [1,C,K,K] weights, or a Conv2d
// 1→C's [C,1,K,K]. bias may be null.
void one_channel_image(const Tensor& src, const Tensor& w, const Tensor* bias, Tensor& y,
                       const ops::ConvGeometry& g);

}  // namespace latent::cpu
