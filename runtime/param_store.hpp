#pragma once
// Parameter store: every parameter of a network in one contiguous buffer, every gradient in
// another, the layers holding views (llm.c's ParameterTensors, Caffe's apply_buffers).
//
// Parameters are laid out in the order they are adopted; networks adopt them in REVERSE layer
// order, so the gradients backward finishes first sit at the front of the buffer and a
// gradient bucket (a contiguous range) is complete as soon as backward has passed its layers.
#include <string>
#include <vector>

#include "runtime/tensor.hpp"

namespace latent {

// A trainable tensor and its gradient, owned by a layer.
struct Param {
  std::string name;  // "weight", "bias", "scale", ...
  Tensor value;
  Tensor grad;
};

class ParamStore {
 public:
  struct Entry {
    std::string name;  // "<layer>/<param>"
    Param* param;
    int64_t offset;  // in elements, into values() and grads()
    int64_t numel;
  };

  // Moves `params` (values copied as they are) into the flat buffers on `device` and re-points
  // them. `names[i]` names params[i] in checkpoints. Parameters made on the host are uploaded
  // (layers make and initialise them there, so every device starts from the same bits). Call
  // once per network.
  void adopt(const std::vector<Param*>& params, const std::vector<std::string>& names,
             Device device = Device::kCpu);

  Tensor& values() { return values_; }
  Tensor& grads() { return grads_; }
  const Tensor& values() const { return values_; }
  const Tensor& grads() const { return grads_; }
  int64_t numel() const { return values_.numel(); }
  const std::vector<Entry>& entries() const { return entries_; }
  void zero_grad() { grads_.zero(); }
  // Moves both buffers to memory owned elsewhere on the store's device (shared by a node's
  // ranks), re-pointing every parameter; the values are copied there only when `copy_values`
  // (one rank fills a shared buffer for all). The gradients start at zero.
  void relocate(float* values, float* grads, bool copy_values);

 private:
  Tensor values_;
  Tensor grads_;
  std::vector<Entry> entries_;
};

}  // namespace latent
