#pragma once
// How runtime/ops*.cpp hand an op to the backend of its tensors' device (internal to runtime/).
#include <initializer_list>
#include <stdexcept>
#include <string>

#include "runtime/cpu/cpu_ops.hpp"
#include "runtime/scalar.hpp"
#include "runtime/tensor.hpp"
#ifdef LATENT_WITH_CUDA
#include "runtime/cuda/cuda_ops.hpp"
#endif

namespace latent::ops {

// The one device of an op's tensors (null entries are absent optional tensors).
inline Device device_of(const char* op, std::initializer_list<const Tensor*> tensors) {
  const Tensor* first = nullptr;
  for (const Tensor* t : tensors) {
    if (!t) continue;
    if (!first) first = t;
    if (t->device() != first->device())
      throw std::invalid_argument(std::string(op) + ": tensors on " + device_name(first->device()) +
                                  " and " + device_name(t->device()) + " (copy one of them first)");
  }
  const Device d = first ? first->device() : Device::kCpu;
#ifndef LATENT_WITH_CUDA
  if (d != Device::kCpu)
    throw std::invalid_argument(std::string(op) + ": tensor on device " + device_name(d) +
                                " but this build has no such backend");
#endif
  return d;
}

// A reduction's total as a pending Scalar: `write(total)` has the backend of `d` write it into a
// fresh slot of d's memory, read later with the step's other values.
template <class Write>
Scalar pending_total(Device d, Write write) {
  const PendingSlot slot = reserve_pending(d);
  write(slot.address());
  return Scalar::pending(slot);
}

}  // namespace latent::ops

// The call on the device's backend: cuda::call for GPU tensors, cpu::call otherwise.
#ifdef LATENT_WITH_CUDA
#define LATENT_ON_DEVICE(d, call) ((d) == ::latent::Device::kCuda ? cuda::call : cpu::call)
#else
#define LATENT_ON_DEVICE(d, call) ((void)(d), cpu::call)
#endif
