#pragma once
// The CUDA backend's ops (runtime/ops.cpp dispatches here for tensors on Device::kCuda), on
// device memory, queued on the context's stream; reductions leave their total in device memory
// (a pending slot, runtime/scalar.hpp) and only copies to the host wait. Where they live:
// matmul.cu (cuBLAS), convolution.cu / batchnorm.cu (cuDNN, through cudnn_legacy.cpp),
// batchnorm_sums.cu, elementwise.cu, layout_copy.cu, losses.cu, probability.cu,
// discriminator.cu, random.cu, optim.cu; uploads through pinned_upload.cpp.
#include <cstdint>

#include "runtime/ops.hpp"
#include "runtime/ops_optim.hpp"

namespace latent::cuda {
#include "runtime/backend_ops.inc"
}  // namespace latent::cuda
