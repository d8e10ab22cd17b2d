// Batch normalization on oneDNN ([N,C] is seen as [N,C,1,1]; see layouts_for). Scale and shift are
// separate [C] tensors (use_scale | use_shift). The backward primitive's scale/shift gradients
// land in scratch vectors and are added into the parameter gradients (they accumulate).
#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>

#include "runtime/cpu/cpu_ops.hpp"
#include "runtime/cpu/engine.hpp"
#include "runtime/cpu/layout.hpp"

namespace latent::cpu {
namespace {

using dnnl::normalization_flags;

// The layout the primitives run in. oneDNN 2.6's nchw batch norm ("ncsp_bnorm") walks each
// channel with scalar strides: on the DCGAN's [128,64,14,14] it takes 2.0 ms forward and 2.7
// backward, where the channel-blocked kernel takes 0.19 and 0.22 and a reorder each way 0.12.
// [N,C] (H = W = 1) is the same memory as nhwc, whose kernel vectorises over C.
struct Layouts {
  dnnl::memory::desc user, internal;
};
Layouts layouts_for(const dims& d, bool channels_last) {
  // Channels-last data (what channels-last convolutions produce) runs as it is, no reorders.
  if (d[2] * d[3] == 1 || channels_last)
    return {plain_desc(d, tag::nhwc), plain_desc(d, tag::nhwc)};
  auto user = plain_desc(d, tag::nchw);
  return {user, d[1] % 16 == 0 ? plain_desc(d, tag::nChw16c) : user};
}

struct BatchnormPrimitives {
  dnnl::batch_normalization_forward::primitive_desc train_pd;
  dnnl::batch_normalization_forward train, infer;
  dnnl::batch_normalization_backward backward;
  Relayout x, y, dy, dx;
  dnnl::memory scale, shift, mean, var, dscale, dshift;
  Tensor dscale_scratch, dshift_scratch;
  std::unordered_map<int, dnnl::memory> train_args, infer_args, backward_args;

  BatchnormPrimitives(const dims& d, float eps, bool channels_last) {
    const Layouts l = layouts_for(d, channels_last);
    auto data = l.internal, chan = plain_desc({d[1]}, tag::x);
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

    x = Relayout(l.user, data, true);
    dy = Relayout(l.user, data, true);
    y = Relayout(l.user, data, false);
    dx = Relayout(l.user, data, false);
    for (auto* m : {&scale, &shift, &mean, &var})
      *m = dnnl::memory(chan, engine(), DNNL_MEMORY_NONE);
    dscale_scratch = Tensor(Shape{d[1]});
    dshift_scratch = Tensor(Shape{d[1]});
    dscale = dnnl::memory(chan, engine(), dscale_scratch.data());
    dshift = dnnl::memory(chan, engine(), dshift_scratch.data());

    train_args = {{DNNL_ARG_SRC, x.primitive_side()},
                  {DNNL_ARG_DST, y.primitive_side()},
                  {DNNL_ARG_SCALE, scale},
                  {DNNL_ARG_SHIFT, shift},
                  {DNNL_ARG_MEAN, mean},
                  {DNNL_ARG_VARIANCE, var}};
    infer_args = train_args;
    backward_args = {{DNNL_ARG_SRC, x.primitive_side()},
                     {DNNL_ARG_DIFF_DST, dy.primitive_side()},
                     {DNNL_ARG_SCALE, scale},
                     {DNNL_ARG_SHIFT, shift},
                     {DNNL_ARG_MEAN, mean},
                     {DNNL_ARG_VARIANCE, var},
                     {DNNL_ARG_DIFF_SRC, dx.primitive_side()},
                     {DNNL_ARG_DIFF_SCALE, dscale},
                     {DNNL_ARG_DIFF_SHIFT, dshift}};
  }
};

BatchnormPrimitives& primitives_for(const Tensor& x, float eps) {
  static std::map<std::tuple<dims, float, bool>, std::unique_ptr<BatchnormPrimitives>> cache;
  auto key = std::make_tuple(nchw_dims(x.shape()), eps, x.channels_last());
  auto& slot = cache[key];
  if (!slot) slot = std::make_unique<BatchnormPrimitives>(std::get<0>(key), eps, std::get<2>(key));
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
  auto& p = primitives_for(x, eps);
  p.x.input(x), p.y.output(y);
  bind(p.scale, scale), bind(p.shift, shift), bind(p.mean, mean), bind(p.var, var);
  p.train.execute(stream(), p.train_args);
  p.y.finish(y);
  stream().wait();
}

void batchnorm_forward_infer(const Tensor& x, const Tensor& scale, const Tensor& shift,
                             const Tensor& mean, const Tensor& var, Tensor& y, float eps) {
  auto& p = primitives_for(x, eps);
  p.x.input(x), p.y.output(y);
  bind(p.scale, scale), bind(p.shift, shift), bind(p.mean, mean), bind(p.var, var);
  p.infer.execute(stream(), p.infer_args);
  p.y.finish(y);
  stream().wait();
}

void batchnorm_backward(const Tensor& x, const Tensor& dy, const Tensor& scale, const Tensor& mean,
                        const Tensor& var, Tensor& dx, Tensor& dscale, Tensor& dshift, float eps) {
  auto& p = primitives_for(x, eps);
  p.x.input(x), p.dy.input(dy), p.dx.output(dx);
  bind(p.scale, scale), bind(p.mean, mean), bind(p.var, var);
  // The shift does not enter the backward computation; any valid handle will do.
  p.shift.set_data_handle(p.dshift_scratch.data());
  p.backward.execute(stream(), p.backward_args);
  p.dx.finish(dx);
  stream().wait();
  add_into(dscale, p.dscale_scratch);
  add_into(dshift, p.dshift_scratch);
}

}  // namespace latent::cpu
