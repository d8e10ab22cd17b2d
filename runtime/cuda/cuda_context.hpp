#pragma once
// The process's GPU: one per MPI rank, chosen by the rank's index on its node
// (gpu_of_local_rank), with the stream every op of this backend runs on and the cuBLAS and cuDNN
// handles bound to it.
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <string>

namespace latent::cuda {

struct Context {
  int device = -1;
  cudaStream_t stream = nullptr;
  cublasHandle_t blas = nullptr;
  cudnnHandle_t dnn = nullptr;  // made by dnn_handle() on first use
};

// Empty when a CUDA GPU can be used here; else why not, in words (no GPU, no driver, ...).
std::string unavailable_reason();

// The GPUs visible to this process; 0 where none can be used.
int visible_gpu_count();

// The rank's index on its node from the launcher's environment (Open MPI's
// OMPI_COMM_WORLD_LOCAL_RANK, Slurm's SLURM_LOCALID, MPICH's MPI_LOCALRANKID), 0 without one.
// Only the fallback where no communicator has said (set_local_rank).
int local_rank_from_environment();

// The communicator's local rank, which picks the GPU. Before the first context(); a later call
// that would pick another GPU throws std::logic_error (the device is chosen once per process).
void set_local_rank(int local_rank);

// Selects the device (gpu_of_local_rank) on first use and creates the stream and the cuBLAS
// handle (strict FP32: no TF32 tensor-op math, so results match the CPU's). Sets the device on
// every host thread that calls it (cudaSetDevice is per thread: a thread that never set it would
// use GPU 0 and make a context there). Throws with unavailable_reason() where there is no GPU.
Context& context();

// The cuDNN handle on the context's stream, created on first use: loading cuDNN's libraries
// costs a second and hundreds of MB of GPU memory that MLP-only runs never need.
cudnnHandle_t dnn_handle();

// Waits for every op queued on the stream (before reading results on the host).
void synchronize();

}  // namespace latent::cuda
