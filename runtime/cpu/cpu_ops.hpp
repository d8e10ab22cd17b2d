#pragma once
// CPU implementations of the backend ops (runtime/ops.hpp documents each): oneDNN primitives for
// matmul, convolution, batch norm and activations, plain loops for the memory-bound rest. Only
// the files in runtime/cpu include oneDNN.
#include <cstdint>

#include "runtime/ops.hpp"
#include "runtime/ops_optim.hpp"

namespace latent::cpu {
#include "runtime/backend_ops.inc"
}  // namespace latent::cpu
