#include "runtime/param_store.hpp"

#include <cstring>
#include <stdexcept>

namespace latent {

void ParamStore::adopt(const std::vector<Param*>& params, const std::vector<std::string>& names) {
  if (!entries_.empty()) throw std::logic_error("ParamStore::adopt called twice");
  if (params.size() != names.size()) throw std::invalid_argument("ParamStore: names mismatch");
  int64_t total = 0;
  for (size_t i = 0; i < params.size(); ++i) {
    entries_.push_back({names[i], params[i], total, params[i]->value.numel()});
    total += params[i]->value.numel();
  }
  values_ = Tensor(Shape{total});
  grads_ = Tensor(Shape{total});
  for (auto& e : entries_) {
    float* v = values_.data() + e.offset;
    std::memcpy(v, e.param->value.data(), e.numel * sizeof(float));
    e.param->value.rebind(v);
    e.param->grad.rebind(grads_.data() + e.offset);
  }
}

void ParamStore::relocate(float* values, float* grads, bool copy_values) {
  if (copy_values) std::memcpy(values, values_.data(), values_.numel() * sizeof(float));
  std::memset(grads, 0, grads_.numel() * sizeof(float));
  values_.rebind(values);
  grads_.rebind(grads);
  for (auto& e : entries_) {
    e.param->value.rebind(values + e.offset);
    e.param->grad.rebind(grads + e.offset);
  }
}

}  // namespace latent
