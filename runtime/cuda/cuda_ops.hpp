#pragma once
// The CUDA backend's ops (runtime/ops.cpp dispatches here for tensors on Device::kCuda): the
// same signatures and meaning as runtime/cpu/cpu_ops.hpp, on device memory, queued on the
// context's stream. Ops that return a number read it back (one synchronisation).
#include "runtime/ops.hpp"
#include "runtime/ops_optim.hpp"

namespace latent::cuda {

// cuBLAS (row-major through the transposed column-major call) plus a bias kernel.
void matmul(const Tensor& a, bool trans_a, const Tensor& b, bool trans_b, Tensor& c,
            bool accumulate, const Tensor* bias);
void sum_rows(const Tensor& x, Tensor& y, bool accumulate);

// Convolutions and batch norm through cuDNN (convolution.cu, batchnorm.cu, cudnn_legacy.cpp).
void conv2d_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y,
                    const ops::ConvGeometry& g);
void conv2d_backward_data(const Tensor& dy, const Tensor& w, Tensor& dx,
                          const ops::ConvGeometry& g);
void conv2d_backward_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db,
                             const ops::ConvGeometry& g);
void deconv2d_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y,
                      const ops::ConvGeometry& g);
void deconv2d_backward_data(const Tensor& dy, const Tensor& w, Tensor& dx,
                            const ops::ConvGeometry& g);
void deconv2d_backward_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db,
                               const ops::ConvGeometry& g);

void batchnorm_forward_train(const Tensor& x, const Tensor& scale, const Tensor& shift, Tensor& y,
                             Tensor& mean, Tensor& var, float eps);
void batchnorm_forward_infer(const Tensor& x, const Tensor& scale, const Tensor& shift,
                             const Tensor& mean, const Tensor& var, Tensor& y, float eps);
void batchnorm_backward(const Tensor& x, const Tensor& dy, const Tensor& scale, const Tensor& mean,
                        const Tensor& var, Tensor& dx, Tensor& dscale, Tensor& dshift, float eps);
// Synchronised batch norm's pieces (batchnorm_sums.cu).
void channel_sums(const Tensor& x, const Tensor* mean, Tensor& sum);
void batchnorm_backward_data_from_sums(const Tensor& x, const Tensor& dy, const Tensor& scale,
                                       const Tensor& mean, const Tensor& var, const Tensor& sum_dy,
                                       const Tensor& sum_dy_xhat, double count, Tensor& dx,
                                       float eps);

void eltwise_forward(ops::Activation f, float alpha, const Tensor& x, Tensor& y);
void eltwise_backward(ops::Activation f, float alpha, const Tensor& x, const Tensor& dy,
                      Tensor& dx);

void fill(Tensor& x, float value);
void copy(const Tensor& src, Tensor& dst);
void copy_layout(const Tensor& src, Tensor& dst);  // layout_copy.cu
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
void mean_from_sums(const Tensor& sum, double count, Tensor& mean);
double sum_sigmoid(const Tensor& z);
int64_t count_sign(const Tensor& z, bool positive);
double sum_squares(const Tensor& x);
bool all_finite(const Tensor& x);

double bce_with_logits(const Tensor& logits, const Tensor& target, Tensor* grad, float grad_scale,
                       Tensor* per_sample);
double mse(const Tensor& pred, const Tensor& target, Tensor* grad, float grad_scale,
           Tensor* per_sample);
double gaussian_kl(const Tensor& mu, const Tensor& logvar, Tensor* dmu, Tensor* dlogvar,
                   float grad_scale, Tensor* per_sample);
double l1_penalty(const Tensor& a, float weight, Tensor* grad, float grad_scale);
double bernoulli_kl_sparsity(const Tensor& a, float rho, float weight, Tensor* grad,
                             float grad_scale, const Tensor* batch_mean);
double hinge_loss(const Tensor& logits, float sign, Tensor* grad, float grad_scale);
double negated_sum_loss(const Tensor& logits, Tensor* grad, float grad_scale);

// Classification and likelihood bounds (probability.cu).
double softmax_cross_entropy(const Tensor& logits, const Tensor& labels, Tensor* grad,
                             float grad_scale, Tensor* per_sample);
void argmax_rows(const Tensor& x, Tensor& out);
int64_t count_equal(const Tensor& a, const Tensor& b);
void logsumexp_rows(const Tensor& x, Tensor& out);
void gaussian_log_ratio(const Tensor& z, const Tensor& eps, const Tensor& logvar, Tensor& out);

void random_uniform(Tensor& t, ops::RandomKey key, uint64_t first_index, float lo, float hi);
void random_normal(Tensor& t, ops::RandomKey key, uint64_t first_index, float mean, float stddev);
void dropout_mask(Tensor& mask, ops::RandomKey key, uint64_t first_index, float p);
void corrupt(ops::Noise kind, float level, ops::RandomKey key, const Tensor& x, Tensor& y,
             uint64_t first_index);

void sgd_update(Tensor& params, const Tensor& grads, Tensor& velocity, float lr, float momentum,
                float weight_decay);
void adam_update(Tensor& params, const Tensor& grads, Tensor& m, Tensor& v, float lr, float beta1,
                 float beta2, float eps, float weight_decay, int64_t t);

}  // namespace latent::cuda
