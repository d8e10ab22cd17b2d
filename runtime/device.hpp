#pragma once
// Where a tensor's storage lives; backend ops dispatch on it.
#include <string>

namespace latent {

enum class Device { kCpu, kCuda };

inline const char* device_name(Device d) {
  return d == Device::kCpu ? "cpu" : "cuda";
}

// The device a --device value names; UserError naming the option and the choices for any other.
Device parse_device(const std::string& name);

// Empty when tensors and ops can use `device` in this process; else why not, in words (a build
// without the CUDA backend, no GPU visible, no driver).
std::string device_unavailable_reason(Device device);

// The CUDA GPUs this process can see (0 without any, or in a build without the CUDA backend).
int visible_gpu_count();

// The communicator's rank of this process on its node picks its GPU (runtime/gpu_choice.hpp).
// Called once MPI is up, before the first CUDA tensor; until then (or without a call) the
// launcher's environment is read. A no-op in a build without the CUDA backend.
void use_gpu_of_local_rank(int local_rank);

}  // namespace latent
