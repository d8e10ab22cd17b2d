#pragma once
// A failed CUDA, cuBLAS or cuDNN call as an exception naming the call and the library's reason.
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <cstdio>
#include <stdexcept>
#include <string>

namespace latent::cuda {

inline void check(cudaError_t status, const char* call) {
  if (status != cudaSuccess)
    throw std::runtime_error(std::string("CUDA: ") + call +
                             " failed: " + cudaGetErrorString(status));
}

// For destructors and clean-up, which must not throw: a failure is said on stderr and passed over.
inline void warn(cudaError_t status, const char* call) {
  if (status != cudaSuccess)
    std::fprintf(stderr, "latent: warning: CUDA: %s failed: %s\n", call,
                 cudaGetErrorString(status));
}

inline void check(cublasStatus_t status, const char* call) {
  if (status != CUBLAS_STATUS_SUCCESS)
    throw std::runtime_error(std::string("cuBLAS: ") + call +
                             " failed: " + cublasGetStatusString(status));
}

inline void check(cudnnStatus_t status, const char* call) {
  if (status != CUDNN_STATUS_SUCCESS)
    throw std::runtime_error(std::string("cuDNN: ") + call +
                             " failed: " + cudnnGetErrorString(status));
}

}  // namespace latent::cuda
