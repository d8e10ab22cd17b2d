#pragma once
// The cuDNN calls of the backend (runtime/cuda/cudnn_legacy.cpp, the one file that uses cuDNN's
// legacy, deprecated API): convolutions in cuDNN's own terms, and batch norm. Callers describe
// tensors by their [N,C,H,W] sizes and layout; descriptors and algorithms are made once per shape.
//
// Arithmetic follows the problem's ops::Math: strict FP32 (CUDNN_FMA_MATH, no tensor cores), TF32
// (CUDNN_DEFAULT_MATH: tensor cores round the float inputs), or bf16 (the inputs rounded to bf16
// copies and multiplied on tensor cores, fp32 accumulation; the legacy API writes a bf16 result,
// widened back to float). Only deterministic algorithms are taken: where cuDNN has none for a
// problem's layout pairing, the activations are copied to one layout around the call (said once
// on stderr), and a problem with none in either is an error naming it.
#include <cstdint>

#include "runtime/ops.hpp"
#include "runtime/tensor.hpp"

namespace latent::cuda {

// An activation as cuDNN sees it: [N,C] is [N,C,1,1]; channels_last means memory [N,H,W,C].
struct Dims4 {
  int n = 0, c = 0, h = 1, w = 1;
  bool channels_last = false;
};
Dims4 dims4(const Tensor& t);

// A convolution y = x ⋆ f (cross-correlation) with x [N,C,H,W], filter f [K,C,R,R] in oihw
// memory and y [N,K,H',W'], H' = (H + 2·pad - R) / stride + 1.
struct ConvProblem {
  Dims4 x, y;
  int k = 0, c = 0, r = 0;  // filter [k, c, r, r]
  int stride = 1, pad = 0;
  ops::Math math = ops::Math::kFp32;
};

// y = x ⋆ f (overwrites y).
void dnn_conv_forward(const ConvProblem& p, const float* x, const float* f, float* y);
// dx = the gradient of x ⋆ f with respect to x, for dy (overwrites dx).
void dnn_conv_backward_data(const ConvProblem& p, const float* dy, const float* f, float* dx);
// df = beta · df + the gradient with respect to f (beta 1 accumulates, 0 overwrites).
void dnn_conv_backward_filter(const ConvProblem& p, const float* x, const float* dy, float* df,
                              float beta);

// Spatial batch norm of x (d) with per-channel scale, shift, mean and variance: y overwritten.
void dnn_batchnorm_infer(const Dims4& d, const float* x, const float* scale, const float* shift,
                         const float* mean, const float* var, double eps, float* y);
// dx overwritten; dscale and dshift accumulate. inv_std[C] = 1/√(var + eps) of the statistics
// the forward used (with `mean`), so cuDNN does not recompute them from x.
void dnn_batchnorm_backward(const Dims4& d, const float* x, const float* dy, const float* scale,
                            const float* mean, const float* inv_std, double eps, float* dx,
                            float* dscale, float* dshift);

}  // namespace latent::cuda
