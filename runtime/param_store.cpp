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
  values_.track_writes();
  grads_ = Tensor(Shape{total}, device);
  for (auto& e : entries_) {
    Tensor v = values_.slice(e.offset, e.offset + e.numel);
    Tensor& value = e.param->value;
    // Parameters are made on the host (or already on the store's device) and moved over.
    if (value.device() == device)
      ops::copy(value, v);
    else if (value.device() == Device::kCpu)
      ops::copy_from_host(value.data(), v);
    else
      throw std::invalid_argument("ParamStore::adopt: " + e.name + " is on " +
                                  device_name(value.device()) + ", the store on " +
                                  device_name(device));
    value.rebind(v.data(), device);
    value.share_write_count(values_);
    e.param->grad.rebind(grads_.data() + e.offset, device);
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
  values_.note_written();
}

}  // namespace latent
