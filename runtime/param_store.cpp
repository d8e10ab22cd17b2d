#include "runtime/param_store.hpp"

#include <stdexcept>

#include "runtime/ops.hpp"

namespace latent {

void ParamStore::adopt(const std::vector<Param*>& params, const std::vector<std::string>& names,
                       Device device) {
  if (!entries_.empty()) throw std::logic_error("ParamStore::adopt called twice");
  if (params.size() != names.size()) throw std::invalid_argument("ParamStore: names mismatch");
  int64_t total = 0;
  for (size_t i = 0; i < params.size(); ++i) {
    entries_.push_back({names[i], params[i], total, params[i]->value.numel()});
    total += params[i]->value.numel();
  }
  values_ = Tensor(Shape{total}, device);
  grads_ = Tensor(Shape{total}, device);
  for (auto& e : entries_) {
    Tensor v = values_.slice(e.offset, e.offset + e.numel);
    Tensor& value = e.param->value;
    if (value.device() == device) {
      ops::copy(value, v);
      value.rebind(v.data());
      e.param->grad.rebind(grads_.data() + e.offset);
      continue;
    }
    if (value.device() != Device::kCpu)
      throw std::invalid_argument("ParamStore::adopt: " + e.name + " is on " +
                                  device_name(value.device()) + ", the store on " +
                                  device_name(device));
    ops::copy_from_host(value.data(), v);
    const bool channels_last = value.channels_last();
    value = Tensor::wrap(v.data(), value.shape(), device);
    value.set_channels_last(channels_last);
    e.param->grad = Tensor::wrap(grads_.data() + e.offset, value.shape(), device);
    e.param->grad.set_channels_last(channels_last);
  }
}

void ParamStore::relocate(float* values, float* grads, bool copy_values) {
  Tensor new_values = Tensor::wrap(values, values_.shape(), values_.device()),
         new_grads = Tensor::wrap(grads, grads_.shape(), grads_.device());
  if (copy_values) ops::copy(values_, new_values);
  ops::fill(new_grads, 0.0f);
  values_.rebind(values);
  grads_.rebind(grads);
  for (auto& e : entries_) {
    e.param->value.rebind(values + e.offset);
    e.param->grad.rebind(grads + e.offset);
  }
}

}  // namespace latent
