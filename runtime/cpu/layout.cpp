#include "runtime/cpu/layout.hpp"

#include <algorithm>
#include <cstdlib>
#include <new>

namespace latent::cpu {
namespace {

// Storage for a memory of `desc`, 64-byte aligned, owned here: oneDNN frees a buffer it
// allocated itself as soon as set_data_handle points the memory elsewhere.
std::shared_ptr<void> storage_for(const dnnl::memory::desc& desc) {
  void* p = nullptr;
  const size_t bytes = (std::max<size_t>(desc.get_size(), 1) + 63) / 64 * 64;
  if (posix_memalign(&p, 64, bytes) != 0) throw std::bad_alloc();
  return std::shared_ptr<void>(p, [](void* q) { std::free(q); });
}

}  // namespace

Relayout::Relayout(const dnnl::memory::desc& user, const dnnl::memory::desc& internal,
                   bool to_internal, bool accumulate)
    : needed_(user != internal || accumulate), converts_(user.data_type() != internal.data_type()) {
  user_ = dnnl::memory(user, engine(), DNNL_MEMORY_NONE);
  if (!needed_) return;
  own_storage_ = storage_for(internal);  // allocated once, reused every step
  internal_ = dnnl::memory(internal, engine(), own_storage_.get());
  dnnl::primitive_attr attr;
  if (accumulate) {
    dnnl::post_ops po;
    po.append_sum(1.0f);
    attr.set_post_ops(po);
  }
  reorder_ = to_internal ? dnnl::reorder(dnnl::reorder::primitive_desc(user_, internal_, attr))
                         : dnnl::reorder(dnnl::reorder::primitive_desc(internal_, user_, attr));
}

dnnl::memory& Relayout::input(const Tensor& t) {
  bind(user_, t);
  if (!needed_) return user_;
  if (!converts_ || t.write_count() == 0) {
    internal_.set_data_handle(own_storage_.get());
    reorder_.execute(stream(), user_, internal_);
    return internal_;
  }
  Converted& c = parameters_[t.data()];
  if (!c.storage) c.storage = storage_for(internal_.get_desc());
  internal_.set_data_handle(c.storage.get());
  if (c.write_count != t.write_count()) {
    reorder_.execute(stream(), user_, internal_);
    c.write_count = t.write_count();
  }
  return internal_;
}

dnnl::memory& Relayout::output(Tensor& t) {
  bind(user_, t);
  return needed_ ? internal_ : user_;
}

void Relayout::finish(Tensor& t) {
  if (!needed_) return;
  bind(user_, t);
  reorder_.execute(stream(), internal_, user_);
}

}  // namespace latent::cpu
