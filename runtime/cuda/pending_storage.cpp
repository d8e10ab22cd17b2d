#include "runtime/cuda/pending_storage.hpp"

#include "runtime/cuda/cuda_check.hpp"
#include "runtime/cuda/cuda_context.hpp"
#include "runtime/cuda/device_allocator.hpp"

namespace latent::cuda {

double* pending_storage(int count) {
  return static_cast<double*>(device_alloc(static_cast<size_t>(count) * sizeof(double)));
}

void download_pending(const double* device_values, double* host, int count) {
  check(cudaMemcpyAsync(host, device_values, static_cast<size_t>(count) * sizeof(double),
                        cudaMemcpyDeviceToHost, context().stream),
        "cudaMemcpyAsync (pending values)");
}

void wait_for_pending() {
  synchronize();
}

}  // namespace latent::cuda
