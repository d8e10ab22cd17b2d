#pragma once
// Plain reference of every backend op: the oracle that the CPU backend (oneDNN) and a GPU backend
// are tested against (tests/runtime_backend_vs_ref.cpp). Only tests link it; the program never
// runs it.
//
// Each function has the signature and the meaning of its namespace latent::ops namesake
// (runtime/ops.hpp, runtime/ops_optim.hpp): parameter gradients accumulate, input gradients are
// overwritten, losses are summed. The loops are the definitions written out, one output element
// at a time, sums in double: clear rather than fast. Tensors live on the host; no shape checks
// (the dispatch in runtime/ops.cpp makes them).
//
// Layouts: ops that know channels (convolutions, batch norm, channel_sums, copy_layout) read and
// write every tensor through its own layout (runtime/ref/layout_index.hpp), so their operands may
// differ in layout. Every other op sees a tensor as rows of memory, [N, per-sample] as stored,
// like the backends: the elementwise ops need their operands in one layout. The random ops draw
// by element: draw j of a row fills the row's logical element j (C, H, W order) in any layout
// (runtime/draw_position.hpp).
#include <cstdint>

#include "runtime/ops.hpp"

namespace latent::ref {

using ops::Activation;
using ops::ConvGeometry;
using ops::Noise;
using ops::RandomKey;

// ---- matrix multiply ---------------------------------------------------------------------
void matmul(const Tensor& a, bool trans_a, const Tensor& b, bool trans_b, Tensor& c,
            bool accumulate = false, const Tensor* bias = nullptr);
void sum_rows(const Tensor& x, Tensor& y, bool accumulate);

// ---- convolution and transposed convolution (weights [O,C,K,K], O = output channels) -------
void conv2d_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y,
                    const ConvGeometry& g);
void conv2d_backward_data(const Tensor& dy, const Tensor& w, Tensor& dx, const ConvGeometry& g);
void conv2d_backward_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db,
                             const ConvGeometry& g);
void deconv2d_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y,
                      const ConvGeometry& g);
void deconv2d_backward_data(const Tensor& dy, const Tensor& w, Tensor& dx, const ConvGeometry& g);
void deconv2d_backward_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db,
                               const ConvGeometry& g);

// ---- batch normalization --------------------------------------------------------------------
void batchnorm_forward_train(const Tensor& x, const Tensor& scale, const Tensor& shift, Tensor& y,
                             Tensor& mean, Tensor& var, float eps);
void batchnorm_forward_infer(const Tensor& x, const Tensor& scale, const Tensor& shift,
                             const Tensor& mean, const Tensor& var, Tensor& y, float eps);
void batchnorm_backward(const Tensor& x, const Tensor& dy, const Tensor& scale, const Tensor& mean,
                        const Tensor& var, Tensor& dx, Tensor& dscale, Tensor& dshift, float eps);
void channel_sums(const Tensor& x, const Tensor* mean, Tensor& sum);
void batchnorm_backward_data_from_sums(const Tensor& x, const Tensor& dy, const Tensor& scale,
                                       const Tensor& mean, const Tensor& var, const Tensor& sum_dy,
                                       const Tensor& sum_dy_xhat, double count, Tensor& dx,
                                       float eps);
void mean_from_sums(const Tensor& sum, double count, Tensor& mean);

// ---- elementwise activations ----------------------------------------------------------------
void eltwise_forward(Activation f, float alpha, const Tensor& x, Tensor& y);
void eltwise_backward(Activation f, float alpha, const Tensor& x, const Tensor& dy, Tensor& dx);

// ---- whole-tensor moves and small kernels ---------------------------------------------------
void fill(Tensor& x, float value);
void copy(const Tensor& src, Tensor& dst);
void copy_layout(const Tensor& src, Tensor& dst);
void crop2d(const Tensor& x, int64_t top, int64_t left, Tensor& y);
void crop2d_backward(const Tensor& dy, int64_t top, int64_t left, Tensor& dx);
void copy_from_host(const float* src, Tensor& dst);
void copy_to_host(const Tensor& src, float* dst);
void add(const Tensor& a, const Tensor& b, Tensor& y);
void axpy(float alpha, const Tensor& x, Tensor& y);
void scale(Tensor& x, float alpha);
void mul(const Tensor& a, const Tensor& b, Tensor& y);
void fma(const Tensor& a, const Tensor& b, const Tensor& c, Tensor& y);
void exp_half(const Tensor& logvar, Tensor& sigma);
void copy_columns(const Tensor& src, int64_t src_col, Tensor& dst, int64_t dst_col, int64_t cols);
double sum(const Tensor& x);
double sum_squares(const Tensor& x);
bool all_finite(const Tensor& x);

// ---- losses and penalties -------------------------------------------------------------------
double bce_with_logits(const Tensor& logits, const Tensor& target, Tensor* grad, float grad_scale,
                       Tensor* per_sample = nullptr);
double mse(const Tensor& pred, const Tensor& target, Tensor* grad, float grad_scale,
           Tensor* per_sample = nullptr);
double gaussian_kl(const Tensor& mu, const Tensor& logvar, Tensor* dmu, Tensor* dlogvar,
                   float grad_scale, Tensor* per_sample = nullptr);
double l1_penalty(const Tensor& a, float weight, Tensor* grad, float grad_scale);
// ρ̂ must lie in (0, 1) (activations in (0, 1)); the reference does not guard the logs.
double bernoulli_kl_sparsity(const Tensor& a, float rho, float weight, Tensor* grad,
                             float grad_scale, const Tensor* batch_mean = nullptr);
double hinge_loss(const Tensor& logits, float sign, Tensor* grad, float grad_scale);
double negated_sum_loss(const Tensor& logits, Tensor* grad, float grad_scale);

// ---- classification and likelihood bounds ---------------------------------------------------
double softmax_cross_entropy(const Tensor& logits, const Tensor& labels, Tensor* grad,
                             float grad_scale, Tensor* per_sample = nullptr);
void argmax_rows(const Tensor& x, Tensor& out);
int64_t count_equal(const Tensor& a, const Tensor& b);
void logsumexp_rows(const Tensor& x, Tensor& out);
void gaussian_log_ratio(const Tensor& z, const Tensor& eps, const Tensor& logvar, Tensor& out);
double sum_sigmoid(const Tensor& z);
int64_t count_sign(const Tensor& z, bool positive);

// ---- random numbers: bit for bit the backends' draws ----------------------------------------
void random_uniform(Tensor& t, RandomKey key, uint64_t first_index, float lo, float hi);
void random_normal(Tensor& t, RandomKey key, uint64_t first_index, float mean, float stddev);
void dropout_mask(Tensor& mask, RandomKey key, uint64_t first_index, float p);
void corrupt(Noise kind, float level, RandomKey key, const Tensor& x, Tensor& y,
             uint64_t first_index);

// ---- optimizer updates (runtime/ops_optim.hpp) ----------------------------------------------
void sgd_update(Tensor& params, const Tensor& grads, Tensor& velocity, float lr, float momentum,
                float weight_decay);
void adam_update(Tensor& params, const Tensor& grads, Tensor& m, Tensor& v, float lr, float beta1,
                 float beta2, float eps, float weight_decay, int64_t t);

}  // namespace latent::ref
