#pragma once
// Where a tensor's storage lives; backend ops dispatch on it.
namespace latent {

enum class Device { kCpu, kCuda };

inline const char* device_name(Device d) {
  return d == Device::kCpu ? "cpu" : "cuda";
}

}  // namespace latent
