// Matrix multiply on oneDNN's matmul primitive. Transposes are expressed as strides of the
// memory descriptors (no copies); accumulation is a sum post-op, a fused ReLU an eltwise one.
//
// In bf16 (ops::Math::kBf16) the primitive reads bf16 copies of a and b and writes float32 c,
// accumulating in fp32 (oneDNN's avx512_core_bf16 / AMX kernels): the reorders into them also
// undo the transposes, and b takes the layout the primitive prefers (format_tag::any). A
// parameter's copy is made once per update (runtime/cpu/layout.hpp).
#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>

#include "runtime/cpu/cpu_ops.hpp"
#include "runtime/cpu/engine.hpp"
#include "runtime/cpu/layout.hpp"

namespace latent::cpu {
namespace {

using dt = dnnl::memory::data_type;

// m, n, k, transposes, accumulate, bias, ReLU slope (kNoRelu: none), bf16
using Key = std::tuple<int64_t, int64_t, int64_t, bool, bool, bool, bool, float, bool>;

struct MatmulPrimitive {
  dnnl::matmul prim;
  Relayout a, b;  // the user's float32 operands to what the primitive reads
  dnnl::memory c, bias;
  std::unordered_map<int, dnnl::memory> args;  // the handles above, re-pointed each call
};

// A row-major [rows, cols] matrix, or the transpose of a stored [cols, rows] one.
dnnl::memory::desc matrix_desc(int64_t rows, int64_t cols, bool transposed, dt type = dt::f32) {
  dims strides = transposed ? dims{1, rows} : dims{cols, 1};
  return dnnl::memory::desc({rows, cols}, type, strides);
}

MatmulPrimitive& primitive_for(const Key& key) {
  static std::map<Key, std::unique_ptr<MatmulPrimitive>> cache;
  auto& slot = cache[key];
  if (slot) return *slot;
  auto [m, n, k, ta, tb, acc, has_bias, relu_slope, bf16] = key;
  auto a_user = matrix_desc(m, k, ta), b_user = matrix_desc(k, n, tb);
  auto a_md = bf16 ? matrix_desc(m, k, false, dt::bf16) : a_user;
  auto b_md = bf16 ? dnnl::memory::desc({k, n}, dt::bf16, tag::any) : b_user;
  auto c_md = matrix_desc(m, n, false);
  auto bias_md = has_bias ? matrix_desc(1, n, false) : dnnl::memory::desc();
  // Accumulation and a fused ReLU never come together (matmul_activated overwrites c).
  dnnl::primitive_attr attr = relu_post_op(acc ? kNoRelu : relu_slope);
  if (acc) {
    dnnl::post_ops po;
    po.append_sum(1.0f);
    attr.set_post_ops(po);
  }
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a_md, b_md, bias_md, c_md), attr, engine());
  slot = std::make_unique<MatmulPrimitive>();
  slot->prim = dnnl::matmul(pd);
  slot->a = Relayout(a_user, pd.src_desc(), true);
  slot->b = Relayout(b_user, pd.weights_desc(), true);
  slot->c = dnnl::memory(c_md, engine(), DNNL_MEMORY_NONE);
  slot->args = {{DNNL_ARG_SRC, slot->a.primitive_side()},
                {DNNL_ARG_WEIGHTS, slot->b.primitive_side()},
                {DNNL_ARG_DST, slot->c}};
  if (has_bias) {
    slot->bias = dnnl::memory(bias_md, engine(), DNNL_MEMORY_NONE);
    slot->args[DNNL_ARG_BIAS] = slot->bias;
  }
  return *slot;
}

void run_matmul(const Tensor& a, bool trans_a, const Tensor& b, bool trans_b, Tensor& c,
                bool accumulate, const Tensor* bias, float relu_slope, ops::Math math) {
  int64_t m = c.dim(0), n = c.shape().per_sample();
  int64_t k = a.numel() / m;
  auto& p = primitive_for({m, n, k, trans_a, trans_b, accumulate, bias != nullptr, relu_slope,
                           math == ops::Math::kBf16});
  p.a.input(a), p.b.input(b), bind(p.c, c);
  if (bias) bind(p.bias, *bias);
  p.prim.execute(stream(), p.args);
  stream().wait();
}

}  // namespace

void matmul(const Tensor& a, bool trans_a, const Tensor& b, bool trans_b, Tensor& c,
            bool accumulate, const Tensor* bias, ops::Math math) {
  run_matmul(a, trans_a, b, trans_b, c, accumulate, bias, kNoRelu, math);
}

void matmul_activated(const Tensor& a, bool trans_a, const Tensor& b, bool trans_b, Tensor& c,
                      const Tensor* bias, ops::Activation f, float alpha, ops::Math math) {
  run_matmul(a, trans_a, b, trans_b, c, false, bias,
             f == ops::Activation::kLeakyRelu ? alpha : 0.0f, math);
}

}  // namespace latent::cpu
