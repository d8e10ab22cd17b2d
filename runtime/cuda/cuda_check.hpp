#pragma once
// A failed CUDA or cuBLAS call as an exception naming the call and CUDA's reason.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace latent::cuda {

inline void check(cudaError_t status, const char* call) {
  if (status != cudaSuccess)
    throw std::runtime_error(std::string("CUDA: ") + call +
                             " failed: " + cudaGetErrorString(status));
}

inline void check(cublasStatus_t status, const char* call) {
  if (status != CUBLAS_STATUS_SUCCESS)
    throw std::runtime_error(std::string("cuBLAS: ") + call +
                             " failed: " + cublasGetStatusString(status));
}

}  // namespace latent::cuda
