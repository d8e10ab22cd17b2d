// Activations on oneDNN's eltwise primitives; tensors are seen as flat vectors.
#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>

#include "runtime/cpu/cpu_ops.hpp"
#include "runtime/cpu/engine.hpp"

namespace latent::cpu {
namespace {

// oneDNN algorithm and (alpha, beta) for an activation.
std::tuple<dnnl::algorithm, float, float> algorithm_for(ops::Activation f, float alpha) {
  switch (f) {
    case ops::Activation::kRelu:
      return {dnnl::algorithm::eltwise_relu, 0.0f, 0.0f};
    case ops::Activation::kLeakyRelu:
      return {dnnl::algorithm::eltwise_relu, alpha, 0.0f};
    case ops::Activation::kSigmoid:
      return {dnnl::algorithm::eltwise_logistic, 0.0f, 0.0f};
    case ops::Activation::kTanh:
      return {dnnl::algorithm::eltwise_tanh, 0.0f, 0.0f};
    case ops::Activation::kLinear:
      break;
  }
  return {dnnl::algorithm::eltwise_linear, 1.0f, 0.0f};
}

struct EltwisePrimitives {
  dnnl::eltwise_forward fwd;
  dnnl::eltwise_backward bwd;
  dnnl::memory x, y, dy, dx;
  std::unordered_map<int, dnnl::memory> fwd_args, bwd_args;

  EltwisePrimitives(ops::Activation f, float a, int64_t n) {
    auto md = plain_desc({n}, tag::x);
    auto [algo, alpha, beta] = algorithm_for(f, a);
    dnnl::eltwise_forward::primitive_desc fwd_pd(
        {dnnl::prop_kind::forward_training, algo, md, alpha, beta}, engine());
    fwd = dnnl::eltwise_forward(fwd_pd);
    bwd = dnnl::eltwise_backward(
        dnnl::eltwise_backward::primitive_desc({algo, md, md, alpha, beta}, engine(), fwd_pd));
    for (auto* m : {&x, &y, &dy, &dx}) *m = dnnl::memory(md, engine(), DNNL_MEMORY_NONE);
    fwd_args = {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, y}};
    bwd_args = {{DNNL_ARG_SRC, x}, {DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_DIFF_SRC, dx}};
  }
};

EltwisePrimitives& primitives_for(ops::Activation f, float alpha, int64_t n) {
  static std::map<std::tuple<int, float, int64_t>, std::unique_ptr<EltwisePrimitives>> cache;
  auto& slot = cache[{static_cast<int>(f), alpha, n}];
  if (!slot) slot = std::make_unique<EltwisePrimitives>(f, alpha, n);
  return *slot;
}

}  // namespace

void eltwise_forward(ops::Activation f, float alpha, const Tensor& x, Tensor& y) {
  auto& p = primitives_for(f, alpha, x.numel());
  bind(p.x, x), bind(p.y, y);
  p.fwd.execute(stream(), p.fwd_args);
  stream().wait();
}

void eltwise_backward(ops::Activation f, float alpha, const Tensor& x, const Tensor& dy,
                      Tensor& dx) {
  auto& p = primitives_for(f, alpha, x.numel());
  bind(p.x, x), bind(p.dy, dy), bind(p.dx, dx);
  p.bwd.execute(stream(), p.bwd_args);
  stream().wait();
}

}  // namespace latent::cpu
