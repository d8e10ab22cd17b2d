#pragma once
// CPU implementations of the backend ops (runtime/ops.hpp documents each): oneDNN primitives for
// matmul, convolution, batch norm and activations, plain loops for the memory-bound rest. Only
// the files in runtime/cpu include oneDNN.
#include <cstdint>

#include "runtime/ops.hpp"
#include "runtime/ops_optim.hpp"

namespace latent::cpu {
#include "runtime/backend_ops.inc"

// CPU only (other backends run the two ops): the activation as a oneDNN post-op.
void conv2d_forward_activated(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y,
                              const ops::ConvGeometry& g, ops::Activation f, float alpha);
void matmul_activated(const Tensor& a, bool trans_a, const Tensor& b, bool trans_b, Tensor& c,
                      const Tensor* bias, ops::Activation f, float alpha, ops::Math math);
}  // namespace latent::cpu
