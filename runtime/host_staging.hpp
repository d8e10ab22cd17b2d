#pragma once
// The crossings between host memory and a run's device, for code that makes data on the host
// (the dataset's batches, codes read from a file) or reads results there (checkpoints, output
// files, metrics). On the CPU both return the tensor itself: no copy, the host path stays as it
// was.
#include <functional>

#include "runtime/tensor.hpp"

namespace latent {

// `host` (a CPU tensor) on `device`: itself on the CPU, else uploaded into `staged`.
const Tensor& on_device(const Tensor& host, Device device, Tensor& staged);
// `t` readable on the host: itself on the CPU, else downloaded into `staged`.
const Tensor& on_host(const Tensor& t, Tensor& staged);
// Calls f on `t`'s values in host memory, in place (communicator buffers): the tensor's own
// storage on the CPU, else a host copy downloaded before f and uploaded after it.
void in_host_memory(Tensor& t, const std::function<void(float* values)>& f);

}  // namespace latent
