#include "runtime/cuda/cuda_context.hpp"

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include "runtime/cuda/cuda_check.hpp"
#include "runtime/gpu_choice.hpp"

namespace latent::cuda {
namespace {

std::atomic<int> communicator_local_rank{-1};  // -1: no communicator has said
std::atomic<int> chosen_device{-1};            // -1: not chosen yet

int local_rank_for_gpu() {
  const int told = communicator_local_rank.load();
  return told >= 0 ? told : local_rank_from_environment();
}

}  // namespace

std::string unavailable_reason() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess)
    return std::string("no usable CUDA GPU (cudaGetDeviceCount: ") + cudaGetErrorString(status) +
           ")";
  if (count == 0) return "no CUDA GPU is visible (CUDA_VISIBLE_DEVICES hides them all?)";
  return "";
}

int visible_gpu_count() {
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess ? count : 0;
}

int local_rank_from_environment() {
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_RANK", "SLURM_LOCALID", "MPI_LOCALRANKID"})
    if (const char* value = std::getenv(name)) return std::atoi(value);
  return 0;
}

void set_local_rank(int local_rank) {
  communicator_local_rank = local_rank;
  const int chosen = chosen_device.load();
  if (chosen >= 0 && chosen != gpu_of_local_rank(local_rank, visible_gpu_count()))
    throw std::logic_error("CUDA: GPU " + std::to_string(chosen) +
                           " was chosen before the communicator gave local rank " +
                           std::to_string(local_rank));
}

Context& context() {
  static Context made;
  static std::once_flag once;
  std::call_once(once, [] {
    const std::string why = unavailable_reason();
    if (!why.empty()) throw std::runtime_error("--device cuda: " + why);
    int count = 0;
    check(cudaGetDeviceCount(&count), "cudaGetDeviceCount");
    made.device = gpu_of_local_rank(local_rank_for_gpu(), count);
    chosen_device = made.device;
    check(cudaSetDevice(made.device), "cudaSetDevice");
    check(cudaStreamCreateWithFlags(&made.stream, cudaStreamNonBlocking), "cudaStreamCreate");
    check(cublasCreate(&made.blas), "cublasCreate");
    check(cublasSetStream(made.blas, made.stream), "cublasSetStream");
    check(cublasSetMathMode(made.blas, CUBLAS_PEDANTIC_MATH), "cublasSetMathMode");
  });
  thread_local bool device_set_here = false;
  if (!device_set_here) {
    check(cudaSetDevice(made.device), "cudaSetDevice");
    device_set_here = true;
  }
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
