#pragma once
// A tensor in the user's plain layout and the layout a primitive chose for it (format_tag::any),
// with the reorder between them created once. When the layouts agree no reorder runs and the
// primitive reads the user's buffer directly.
//
// A reorder of an input into another data type (float32 to bf16) keeps, per parameter tensor
// (Tensor::write_count() != 0), the converted copy until the parameter's write count moves: a
// weight is converted once per update, however many forward and backward calls read it.
#include <map>
#include <memory>

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
  // A parameter's converted copy and the write count it was made at.
  struct Converted {
    std::shared_ptr<void> storage;
    uint64_t write_count = 0;
  };

  bool needed_ = false;
  bool converts_ = false;  // the two sides differ in data type
  dnnl::memory user_, internal_;
  std::shared_ptr<void> own_storage_;  // internal_'s buffer for what is not a parameter
  dnnl::reorder reorder_;
  std::map<const float*, Converted> parameters_;
};

}  // namespace latent::cpu
