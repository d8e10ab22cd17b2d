#pragma once
// The process's GPU: one per MPI rank, chosen by the rank's index on its node, with the stream
// every op of this backend runs on and the cuBLAS handle bound to it.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <string>

namespace latent::cuda {

struct Context {
  int device = -1;
  cudaStream_t stream = nullptr;
  cublasHandle_t blas = nullptr;
};

// Empty when a CUDA GPU can be used here; else why not, in words (no GPU, no driver, ...).
std::string unavailable_reason();

// The rank's index on its node from the launcher's environment (Open MPI's
// OMPI_COMM_WORLD_LOCAL_RANK, Slurm's SLURM_LOCALID, MPICH's MPI_LOCALRANKID), 0 without one.
int local_rank_from_environment();

// Selects the device (local rank modulo the GPUs visible) on first use and creates the stream
// and the cuBLAS handle (strict FP32: no TF32 tensor-op math, so results match the CPU's).
// Throws with unavailable_reason() where there is no GPU.
Context& context();

// Waits for every op queued on the stream (before reading results on the host).
void synchronize();

}  // namespace latent::cuda
