#pragma once
// A tensor in the user's plain layout and the layout a primitive chose for it (format_tag::any),
// with the reorder between them created once. When the layouts agree no reorder runs and the
// primitive reads the user's buffer directly.
#include "runtime/cpu/engine.hpp"

namespace latent::cpu {

class Relayout {
 public:
  Relayout() = default;
  // to_internal: user → primitive (inputs); otherwise primitive → user (outputs).
  // accumulate: the reorder into the user buffer adds instead of overwriting (gradients).
  Relayout(const dnnl::memory::desc& user, const dnnl::memory::desc& internal, bool to_internal,
           bool accumulate = false);

  // The memory the primitive should use for the tensor `t`, reordering inputs into it.
  dnnl::memory& input(const Tensor& t);
  // The memory a primitive writes; call finish(t) afterwards to land it in `t`.
  dnnl::memory& output(Tensor& t);
  void finish(Tensor& t);
  // The memory the primitive reads or writes (fixed once constructed), for cached arg maps.
  const dnnl::memory& primitive_side() const { return needed_ ? internal_ : user_; }

 private:
  bool needed_ = false;
  dnnl::memory user_, internal_;
  dnnl::reorder reorder_;
};

}  // namespace latent::cpu
