// Batch normalization on oneDNN (plain nchw; [N,C] is seen as [N,C,1,1]). Scale and shift are
// separate [C] tensors (use_scale | use_shift). The backward primitive's scale/shift gradients
// land in scratch vectors and are added into the parameter gradients (they accumulate).
#include <map>
#include <memory>
#include <unordered_map>

#include "runtime/cpu/cpu_ops.hpp"
#include "runtime/cpu/engine.hpp"

namespace latent::cpu {
namespace {

using dnnl::normalization_flags;

struct BatchnormPrimitives {
  dnnl::batch_normalization_forward::primitive_desc train_pd;
  dnnl::batch_normalization_forward train, infer;
  dnnl::batch_normalization_backward backward;
  dnnl::memory x, y, scale, shift, mean, var, dy, dx, dscale, dshift;
  Tensor dscale_scratch, dshift_scratch;
  std::unordered_map<int, dnnl::memory> train_args, infer_args, backward_args;

  BatchnormPrimitives(const dims& d, float eps) {
    auto data = plain_desc(d, tag::nchw), chan = plain_desc({d[1]}, tag::x);
    auto flags = normalization_flags::use_scale | normalization_flags::use_shift;
    train_pd = {{dnnl::prop_kind::forward_training, data, eps, flags}, engine()};
    train = dnnl::batch_normalization_forward(train_pd);
    infer = dnnl::batch_normalization_forward(dnnl::batch_normalization_forward::primitive_desc(
        {dnnl::prop_kind::forward_inference, data, eps,
         flags | normalization_flags::use_global_stats},
        engine()));
    dnnl::batch_normalization_backward::primitive_desc bwd_pd(
        {dnnl::prop_kind::backward, data, data, eps, flags}, engine(), train_pd);
    backward = dnnl::batch_normalization_backward(bwd_pd);

    for (auto* m : {&x, &y, &dy, &dx}) *m = dnnl::memory(data, engine(), DNNL_MEMORY_NONE);
    for (auto* m : {&scale, &shift, &mean, &var})
      *m = dnnl::memory(chan, engine(), DNNL_MEMORY_NONE);
    dscale_scratch = Tensor(Shape{d[1]});
    dshift_scratch = Tensor(Shape{d[1]});
    dscale = dnnl::memory(chan, engine(), dscale_scratch.data());
    dshift = dnnl::memory(chan, engine(), dshift_scratch.data());

    train_args = {{DNNL_ARG_SRC, x},       {DNNL_ARG_DST, y},     {DNNL_ARG_SCALE, scale},
                  {DNNL_ARG_SHIFT, shift}, {DNNL_ARG_MEAN, mean}, {DNNL_ARG_VARIANCE, var}};
    infer_args = train_args;
    backward_args = {
        {DNNL_ARG_SRC, x},       {DNNL_ARG_DIFF_DST, dy},       {DNNL_ARG_SCALE, scale},
        {DNNL_ARG_SHIFT, shift}, {DNNL_ARG_MEAN, mean},         {DNNL_ARG_VARIANCE, var},
        {DNNL_ARG_DIFF_SRC, dx}, {DNNL_ARG_DIFF_SCALE, dscale}, {DNNL_ARG_DIFF_SHIFT, dshift}};
  }
};

BatchnormPrimitives& primitives_for(const Shape& s, float eps) {
  static std::map<std::pair<dims, float>, std::unique_ptr<BatchnormPrimitives>> cache;
  auto key = std::make_pair(nchw_dims(s), eps);
  auto& slot = cache[key];
  if (!slot) slot = std::make_unique<BatchnormPrimitives>(key.first, eps);
  return *slot;
}

void add_into(Tensor& dst, const Tensor& src) {
  float* d = dst.data();
  const float* s = src.data();
  for (int64_t i = 0; i < dst.numel(); ++i) d[i] += s[i];
}

}  // namespace

void batchnorm_forward_train(const Tensor& x, const Tensor& scale, const Tensor& shift, Tensor& y,
                             Tensor& mean, Tensor& var, float eps) {
  auto& p = primitives_for(x.shape(), eps);
  bind(p.x, x), bind(p.y, y), bind(p.scale, scale), bind(p.shift, shift);
  bind(p.mean, mean), bind(p.var, var);
  p.train.execute(stream(), p.train_args);
  stream().wait();
}

void batchnorm_forward_infer(const Tensor& x, const Tensor& scale, const Tensor& shift,
                             const Tensor& mean, const Tensor& var, Tensor& y, float eps) {
  auto& p = primitives_for(x.shape(), eps);
  bind(p.x, x), bind(p.y, y), bind(p.scale, scale), bind(p.shift, shift);
  bind(p.mean, mean), bind(p.var, var);
  p.infer.execute(stream(), p.infer_args);
  stream().wait();
}

void batchnorm_backward(const Tensor& x, const Tensor& dy, const Tensor& scale, const Tensor& mean,
                        const Tensor& var, Tensor& dx, Tensor& dscale, Tensor& dshift, float eps) {
  auto& p = primitives_for(x.shape(), eps);
  bind(p.x, x), bind(p.dy, dy), bind(p.scale, scale), bind(p.mean, mean), bind(p.var, var);
  bind(p.dx, dx);
  // The shift does not enter the backward computation; any valid handle will do.
  p.shift.set_data_handle(p.dshift_scratch.data());
  p.backward.execute(stream(), p.backward_args);
  stream().wait();
  add_into(dscale, p.dscale_scratch);
  add_into(dshift, p.dshift_scratch);
}

}  // namespace latent::cpu
