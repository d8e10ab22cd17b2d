#include "runtime/host_staging.hpp"

#include <stdexcept>
#include <vector>

#include "runtime/ops.hpp"

namespace latent {

const Tensor& on_device(const Tensor& host, Device device, Tensor& staged) {
  if (host.device() != Device::kCpu)
    throw std::invalid_argument("on_device: expected a host tensor, got one on " +
                                std::string(device_name(host.device())));
  if (device == Device::kCpu) return host;
  staged.resize(host.shape(), device);
  staged.set_channels_last(host.channels_last());
  ops::copy_from_host(host.data(), staged);
  return staged;
}

const Tensor& on_host(const Tensor& t, Tensor& staged) {
  if (t.device() == Device::kCpu) return t;
  staged.resize(t.shape(), Device::kCpu);
  staged.set_channels_last(t.channels_last());
  ops::copy_to_host(t, staged.data());
  return staged;
}

void in_host_memory(Tensor& t, const std::function<void(float* values)>& f) {
  if (t.device() == Device::kCpu) {
    f(t.data());
    return;
  }
  std::vector<float> host(static_cast<size_t>(t.numel()));
  ops::copy_to_host(t, host.data());
  f(host.data());
  ops::copy_from_host(host.data(), t);
}

}  // namespace latent
