#pragma once
// The oneDNN CPU engine and stream shared by every CPU op, and helpers for memory handles.
#include <oneapi/dnnl/dnnl.hpp>

#include "runtime/tensor.hpp"

namespace latent::cpu {

dnnl::engine& engine();
dnnl::stream& stream();

using dims = dnnl::memory::dims;
using tag = dnnl::memory::format_tag;

inline dnnl::memory::desc plain_desc(const dims& d, tag t) {
  return dnnl::memory::desc(d, dnnl::memory::data_type::f32, t);
}
// The layout the primitive chooses, of data type `type` (f32 unless a bf16 plan asks).
inline dnnl::memory::desc any_desc(const dims& d,
                                   dnnl::memory::data_type type = dnnl::memory::data_type::f32) {
  return dnnl::memory::desc(d, type, tag::any);
}

// A ReLU post-op's negative slope, or none: kNoRelu (any negative value) applies nothing.
constexpr float kNoRelu = -1.0f;
// oneDNN's attribute applying ReLU(alpha) to what a primitive writes (nothing when alpha < 0).
inline dnnl::primitive_attr relu_post_op(float alpha) {
  dnnl::primitive_attr attr;
  if (alpha < 0.0f) return attr;
  dnnl::post_ops ops;
  ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, alpha, 0.0f);
  attr.set_post_ops(ops);
  return attr;
}

// Points a cached memory object at a tensor's storage for this call (no allocation).
inline dnnl::memory& bind(dnnl::memory& m, const Tensor& t) {
  m.set_data_handle(const_cast<float*>(t.data()));
  return m;
}

// The element's N,C,H,W dims; [N,D] tensors are seen as [N,D,1,1].
inline dims nchw_dims(const Shape& s) {
  return {s[0], s.rank() > 1 ? s[1] : 1, s.rank() > 2 ? s[2] : 1, s.rank() > 3 ? s[3] : 1};
}

}  // namespace latent::cpu
