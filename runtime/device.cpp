#include "runtime/device.hpp"

#include "runtime/error.hpp"

#ifdef LATENT_WITH_CUDA
#include "runtime/cuda/cuda_context.hpp"
#endif

namespace latent {

Device parse_device(const std::string& name) {
  if (name == "cpu") return Device::kCpu;
  if (name == "cuda") return Device::kCuda;
  throw UserError("--device '" + name + "': expected cpu or cuda");
}

std::string device_unavailable_reason(Device device) {
  if (device == Device::kCpu) return "";
#ifdef LATENT_WITH_CUDA
  // Asked once: GPUs do not come and go within a run, and tensors ask at every allocation.
  static const std::string why = cuda::unavailable_reason();
  return why;
#else
  return "this latent was built without the CUDA backend (CMake's LATENT_CUDA found no nvcc, "
         "cuBLAS, cuDNN and NCCL, or was OFF)";
#endif
}

int visible_gpu_count() {
#ifdef LATENT_WITH_CUDA
  return cuda::visible_gpu_count();
#else
  return 0;
#endif
}

void use_gpu_of_local_rank(int local_rank) {
#ifdef LATENT_WITH_CUDA
  cuda::set_local_rank(local_rank);
#else
  (void)local_rank;
#endif
}

}  // namespace latent
