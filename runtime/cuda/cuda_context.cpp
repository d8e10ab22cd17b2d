#include "runtime/cuda/cuda_context.hpp"

#include <cstdlib>
#include <mutex>

#include "runtime/cuda/cuda_check.hpp"

namespace latent::cuda {

std::string unavailable_reason() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess)
    return std::string("no usable CUDA GPU (cudaGetDeviceCount: ") + cudaGetErrorString(status) +
           ")";
  if (count == 0) return "no CUDA GPU is visible (CUDA_VISIBLE_DEVICES hides them all?)";
  return "";
}

int local_rank_from_environment() {
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_RANK", "SLURM_LOCALID", "MPI_LOCALRANKID"})
    if (const char* value = std::getenv(name)) return std::atoi(value);
  return 0;
}

Context& context() {
  static Context made;
  static std::once_flag once;
  std::call_once(once, [] {
    const std::string why = unavailable_reason();
    if (!why.empty()) throw std::runtime_error("--device cuda: " + why);
    int count = 0;
    check(cudaGetDeviceCount(&count), "cudaGetDeviceCount");
    made.device = local_rank_from_environment() % count;
    check(cudaSetDevice(made.device), "cudaSetDevice");
    check(cudaStreamCreateWithFlags(&made.stream, cudaStreamNonBlocking), "cudaStreamCreate");
    check(cublasCreate(&made.blas), "cublasCreate");
    check(cublasSetStream(made.blas, made.stream), "cublasSetStream");
    check(cublasSetMathMode(made.blas, CUBLAS_PEDANTIC_MATH), "cublasSetMathMode");
  });
  return made;
}

cudnnHandle_t dnn_handle() {
  Context& c = context();
  static std::once_flag once;
  std::call_once(once, [&c] {
    check(cudnnCreate(&c.dnn), "cudnnCreate");
    check(cudnnSetStream(c.dnn, c.stream), "cudnnSetStream");
  });
  return c.dnn;
}

void synchronize() {
  check(cudaStreamSynchronize(context().stream), "cudaStreamSynchronize");
}

}  // namespace latent::cuda
