// Convolution and transposed convolution on oneDNN, one template for both families: their
// forward / backward-data / backward-weights primitives take the same descriptors.
//
// Following oneDNN's cnn_training_f32 example, primitives choose their own layouts
// (format_tag::any); user tensors stay plain nchw / oihw and are reordered only where the
// chosen layout differs. Weight gradients are reordered back with a sum post-op, so they
// accumulate as the gradient rule demands. Everything is created once per shape.
//
// oneDNN 2.6's transposed-convolution forward adds its bias in a slow pass of its own (10.2 ms
// instead of 7.4 for the DCGAN's 128→64 layer, 5.7 instead of 3.5 for 64→1), so for that
// family the bias is added afterwards by a binary primitive on the plain output (0.1 ms).
//
// In bf16 (ops::Math::kBf16) the primitives read bf16 activations and weights (the input
// reorders convert them; a parameter once per update, runtime/cpu/layout.hpp) and write float32
// outputs and gradients, accumulating in fp32. The 1-channel paths (matmuls of their own) then
// give way to the general primitives.
#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>

#include "runtime/cpu/cpu_ops.hpp"
#include "runtime/cpu/layout.hpp"
#include "runtime/cpu/one_channel_image.hpp"
#include "runtime/cpu/one_channel_source.hpp"

namespace latent::cpu {
namespace {

struct ConvFamily {
  using fwd = dnnl::convolution_forward;
  using bwd_data = dnnl::convolution_backward_data;
  using bwd_weights = dnnl::convolution_backward_weights;
  static constexpr dnnl::algorithm algo = dnnl::algorithm::convolution_direct;
  static constexpr bool bias_in_forward = true;
};
struct DeconvFamily {
  using fwd = dnnl::deconvolution_forward;
  using bwd_data = dnnl::deconvolution_backward_data;
  using bwd_weights = dnnl::deconvolution_backward_weights;
  static constexpr dnnl::algorithm algo = dnnl::algorithm::deconvolution_direct;
  static constexpr bool bias_in_forward = false;  // see the top of the file
};

using dt = dnnl::memory::data_type;

// x [N,C,H,W], w [O,C,K,K], y [N,O,H',W'], stride, pad, has bias, x and y channels-last, the
// negative slope of a ReLU the forward applies as it writes y (kNoRelu: none), and bf16.
using Key = std::tuple<dims, dims, dims, int64_t, int64_t, bool, bool, bool, float, bool>;

// Channels-last activations (and 1-channel ones beside them: the same memory) are given to the
// primitive as they are, so it runs its nhwc kernel with no reorders (oneDNN's brgconv: 5.6 ms
// against 6.8 plus 0.4 of reorders each way for the DCGAN's 64→128 layer). Otherwise the
// primitive picks its layout (format_tag::any) and the user's nchw data is reordered.
struct ActivationLayout {
  bool channels_last, mode;  // this tensor's flag; either side of the call is channels-last
  dnnl::memory::desc user(const dims& d) const {
    return plain_desc(d, channels_last || (mode && d[1] == 1) ? tag::nhwc : tag::nchw);
  }
  // With one side channels-last the other is reordered to it (a plain [N,128,7,7] coming out of
  // a reshape): oneDNN 2.6 has no fast kernel for mixed layouts (its transposed convolution
  // falls back to the reference one, 1000x slower).
  dnnl::memory::desc primitive(const dims& d, dt type = dt::f32) const {
    return dnnl::memory::desc(d, type, mode ? tag::nhwc : tag::any);
  }
};

template <class F>
struct ConvPrimitives {
  dims x_dims, w_dims, y_dims, strides, pads;
  bool has_bias;
  ActivationLayout xl, yl;
  dt in_type;  // what the primitives read: activations and weights (f32, or bf16)
  typename F::fwd::primitive_desc fwd_pd;
  // forward
  bool fwd_ready = false;
  typename F::fwd fwd;
  Relayout fwd_x, fwd_w, fwd_y;
  dnnl::memory fwd_b;
  std::unordered_map<int, dnnl::memory> fwd_args;
  // y += b per channel, when the forward primitive does not add it (!F::bias_in_forward)
  dnnl::binary bias_add;
  dnnl::memory bias_y, bias_b;
  std::unordered_map<int, dnnl::memory> bias_args;
  // backward data
  bool bwd_data_ready = false;
  typename F::bwd_data bwd_data;
  Relayout bd_dy, bd_w, bd_dx;
  std::unordered_map<int, dnnl::memory> bd_args;
  // backward weights
  bool bwd_weights_ready = false;
  typename F::bwd_weights bwd_weights;
  Relayout bw_x, bw_dy, bw_dw, bw_db;
  std::unordered_map<int, dnnl::memory> bw_args;

  ConvPrimitives(const dims& x, const dims& w, const dims& y, int64_t stride, int64_t pad,
                 bool bias, bool x_channels_last, bool y_channels_last, float relu_alpha, bool bf16)
      : x_dims(x),
        w_dims(w),
        y_dims(y),
        strides{stride, stride},
        pads{pad, pad},
        has_bias(bias),
        xl{x_channels_last, x_channels_last || y_channels_last},
        yl{y_channels_last, x_channels_last || y_channels_last},
        in_type(bf16 ? dt::bf16 : dt::f32) {
    auto b_md = bias && F::bias_in_forward ? plain_desc({w[0]}, tag::x) : dnnl::memory::desc();
    typename F::fwd::desc d(dnnl::prop_kind::forward_training, F::algo, xl.primitive(x, in_type),
                            any_desc(w, in_type), b_md, yl.primitive(y), strides, pads, pads);
    fwd_pd = typename F::fwd::primitive_desc(d, relu_post_op(relu_alpha), engine());
  }

  void make_forward() {
    fwd = typename F::fwd(fwd_pd);
    fwd_x = Relayout(xl.user(x_dims), fwd_pd.src_desc(), true);
    fwd_w = Relayout(plain_desc(w_dims, tag::oihw), fwd_pd.weights_desc(), true);
    fwd_y = Relayout(yl.user(y_dims), fwd_pd.dst_desc(), false);
    fwd_args = {{DNNL_ARG_SRC, fwd_x.primitive_side()},
                {DNNL_ARG_WEIGHTS, fwd_w.primitive_side()},
                {DNNL_ARG_DST, fwd_y.primitive_side()}};
    if (has_bias && F::bias_in_forward) {
      fwd_b = dnnl::memory(plain_desc({w_dims[0]}, tag::x), engine(), DNNL_MEMORY_NONE);
      fwd_args[DNNL_ARG_BIAS] = fwd_b;
    } else if (has_bias) {
      auto y_md = yl.user(y_dims), b_md = plain_desc({1, w_dims[0], 1, 1}, tag::nchw);
      bias_add = dnnl::binary(dnnl::binary::primitive_desc(
          dnnl::binary::desc(dnnl::algorithm::binary_add, y_md, b_md, y_md), engine()));
      bias_y = dnnl::memory(y_md, engine(), DNNL_MEMORY_NONE);
      bias_b = dnnl::memory(b_md, engine(), DNNL_MEMORY_NONE);
      bias_args = {{DNNL_ARG_SRC_0, bias_y}, {DNNL_ARG_SRC_1, bias_b}, {DNNL_ARG_DST, bias_y}};
    }
    fwd_ready = true;
  }

  void make_backward_data() {
    typename F::bwd_data::desc d(F::algo, xl.primitive(x_dims), any_desc(w_dims, in_type),
                                 yl.primitive(y_dims, in_type), strides, pads, pads);
    typename F::bwd_data::primitive_desc pd(d, engine(), fwd_pd);
    bwd_data = typename F::bwd_data(pd);
    bd_dy = Relayout(yl.user(y_dims), pd.diff_dst_desc(), true);
    bd_w = Relayout(plain_desc(w_dims, tag::oihw), pd.weights_desc(), true);
    bd_dx = Relayout(xl.user(x_dims), pd.diff_src_desc(), false);
    bd_args = {{DNNL_ARG_DIFF_DST, bd_dy.primitive_side()},
               {DNNL_ARG_WEIGHTS, bd_w.primitive_side()},
               {DNNL_ARG_DIFF_SRC, bd_dx.primitive_side()}};
    bwd_data_ready = true;
  }

  void make_backward_weights() {
    auto db_md = has_bias ? plain_desc({w_dims[0]}, tag::x) : dnnl::memory::desc();
    // Backward-weights picks its own layouts even for channels-last data: oneDNN 2.6's nhwc
    // kernel for it is 1 ms slower than the blocked one plus both reorders (8.3 against 7.3 +
    // 0.6 ms for the DCGAN's 64→128 layer).
    typename F::bwd_weights::desc d(F::algo, any_desc(x_dims, in_type), any_desc(w_dims), db_md,
                                    any_desc(y_dims, in_type), strides, pads, pads);
    typename F::bwd_weights::primitive_desc pd(d, engine(), fwd_pd);
    bwd_weights = typename F::bwd_weights(pd);
    bw_x = Relayout(xl.user(x_dims), pd.src_desc(), true);
    bw_dy = Relayout(yl.user(y_dims), pd.diff_dst_desc(), true);
    bw_dw = Relayout(plain_desc(w_dims, tag::oihw), pd.diff_weights_desc(), false, true);
    bw_args = {{DNNL_ARG_SRC, bw_x.primitive_side()},
               {DNNL_ARG_DIFF_DST, bw_dy.primitive_side()},
               {DNNL_ARG_DIFF_WEIGHTS, bw_dw.primitive_side()}};
    if (has_bias) {
      bw_db = Relayout(db_md, pd.diff_bias_desc(), false, true);
      bw_args[DNNL_ARG_DIFF_BIAS] = bw_db.primitive_side();
    }
    bwd_weights_ready = true;
  }
};

template <class F>
ConvPrimitives<F>& primitives_for(const Tensor& x, const Shape& w, const Tensor& y,
                                  const ops::ConvGeometry& g, bool has_bias,
                                  float relu_alpha = kNoRelu) {
  static std::map<Key, std::unique_ptr<ConvPrimitives<F>>> cache;
  Key key{nchw_dims(x.shape()),
          nchw_dims(w),
          nchw_dims(y.shape()),
          g.stride,
          g.pad,
          has_bias,
          x.channels_last(),
          y.channels_last(),
          relu_alpha,
          g.math == ops::Math::kBf16};
  auto& slot = cache[key];
  if (!slot)
    slot = std::make_unique<ConvPrimitives<F>>(std::get<0>(key), std::get<1>(key), std::get<2>(key),
                                               g.stride, g.pad, has_bias, std::get<6>(key),
                                               std::get<7>(key), relu_alpha, std::get<9>(key));
  return *slot;
}

template <class F>
void forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y,
             const ops::ConvGeometry& g, float relu_alpha = kNoRelu) {
  auto& p = primitives_for<F>(x, w.shape(), y, g, b != nullptr, relu_alpha);
  if (!p.fwd_ready) p.make_forward();
  p.fwd_x.input(x), p.fwd_w.input(w), p.fwd_y.output(y);
  if (b && F::bias_in_forward) bind(p.fwd_b, *b);
  p.fwd.execute(stream(), p.fwd_args);
  p.fwd_y.finish(y);
  if (b && !F::bias_in_forward) {
    bind(p.bias_y, y), bind(p.bias_b, *b);
    p.bias_add.execute(stream(), p.bias_args);
  }
  stream().wait();
}

template <class F>
void backward_data(const Tensor& dy, const Tensor& w, Tensor& dx, const ops::ConvGeometry& g) {
  // The bias does not enter backward-data: its primitives live under the no-bias key.
  auto& p = primitives_for<F>(dx, w.shape(), dy, g, false);
  if (!p.bwd_data_ready) p.make_backward_data();
  p.bd_dy.input(dy), p.bd_w.input(w), p.bd_dx.output(dx);
  p.bwd_data.execute(stream(), p.bd_args);
  p.bd_dx.finish(dx);
  stream().wait();
}

template <class F>
void backward_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db,
                      const ops::ConvGeometry& g) {
  auto& p = primitives_for<F>(x, dw.shape(), dy, g, db != nullptr);
  if (!p.bwd_weights_ready) p.make_backward_weights();
  p.bw_x.input(x), p.bw_dy.input(dy), p.bw_dw.output(dw);
  if (db) p.bw_db.output(*db);
  p.bwd_weights.execute(stream(), p.bw_args);
  p.bw_dw.finish(dw);
  if (db) p.bw_db.finish(*db);
  stream().wait();
}

}  // namespace

void conv2d_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y,
                    const ops::ConvGeometry& g) {
  if (one_channel_source_applies(x, y, g)) return one_channel_source_forward(x, w, b, y, g);
  forward<ConvFamily>(x, w, b, y, g);
}
void conv2d_forward_activated(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y,
                              const ops::ConvGeometry& g, ops::Activation f, float alpha) {
  const float slope = f == ops::Activation::kLeakyRelu ? alpha : 0.0f;
  if (one_channel_source_applies(x, y, g)) return one_channel_source_forward(x, w, b, y, g, slope);
  forward<ConvFamily>(x, w, b, y, g, slope);
}
void conv2d_backward_data(const Tensor& dy, const Tensor& w, Tensor& dx,
                          const ops::ConvGeometry& g) {
  if (one_channel_image_applies(dy.shape(), dx.shape(), g))
    return one_channel_image(dy, w, nullptr, dx, g);
  backward_data<ConvFamily>(dy, w, dx, g);
}
void conv2d_backward_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db,
                             const ops::ConvGeometry& g) {
  if (one_channel_source_applies(x, dy, g)) return one_channel_source_weights(x, dy, dw, db, g);
  backward_weights<ConvFamily>(x, dy, dw, db, g);
}
void deconv2d_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y,
                      const ops::ConvGeometry& g) {
  if (one_channel_image_applies(x.shape(), y.shape(), g)) return one_channel_image(x, w, b, y, g);
  forward<DeconvFamily>(x, w, b, y, g);
}
void deconv2d_backward_data(const Tensor& dy, const Tensor& w, Tensor& dx,
                            const ops::ConvGeometry& g) {
  backward_data<DeconvFamily>(dy, w, dx, g);
}
void deconv2d_backward_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db,
                               const ops::ConvGeometry& g) {
  // C→1 with channels-last x: ∂/∂w[0,c,kh,kw] = Σ x[n,c,h,w]·dy[n,0,h·s−p+kh,w·s−p+kw] is the
  // weight gradient of the Conv2d 1→C that maps the 1-channel dy to x ([C,1,K,K] and [1,C,K,K]
  // weights hold the same values in the same order), so its matmul serves; db = Σ dy.
  if (one_channel_source_applies(dy, x, g)) {
    one_channel_source_weights(dy, x, dw, nullptr, g);
    if (db) {
      Tensor pixels = dy.view();
      pixels.reshape(Shape{dy.numel(), 1});
      sum_rows(pixels, *db, true);
    }
    return;
  }
  backward_weights<DeconvFamily>(x, dy, dw, db, g);
}

}  // namespace latent::cpu
