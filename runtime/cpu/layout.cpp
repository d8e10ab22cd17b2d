#include "runtime/cpu/layout.hpp"

namespace latent::cpu {

Relayout::Relayout(const dnnl::memory::desc& user, const dnnl::memory::desc& internal,
                   bool to_internal, bool accumulate)
    : needed_(user != internal || accumulate) {
  user_ = dnnl::memory(user, engine(), DNNL_MEMORY_NONE);
  if (!needed_) return;
  internal_ = dnnl::memory(internal, engine());  // allocated once, reused every step
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
  reorder_.execute(stream(), user_, internal_);
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
