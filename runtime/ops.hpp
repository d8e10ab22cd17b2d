#pragma once
// Backend ops: every computation a layer, loss or optimizer needs, on tensors.
//
// Each op dispatches on the device of its tensors: runtime/cpu (oneDNN primitives, cached per
// shape) or runtime/cuda. Layers reach compute only through these functions.
//
// Rule for gradients, everywhere: parameter gradients ACCUMULATE (+=), input gradients
// OVERWRITE (=). Output tensors must already have the right shape.
#include "runtime/scalar.hpp"
#include "runtime/tensor.hpp"

namespace latent::ops {

// ---- arithmetic of the matrix products --------------------------------------------------------
// How matmul and the convolutions multiply (a layer's plan holds it; --precision, --tf32). Their
// inputs and outputs stay float32 tensors in every mode, and products always accumulate in fp32:
//   kFp32  strict float32 multiplies.
//   kTf32  (GPU) the inputs rounded to TF32 (10-bit mantissa) on tensor cores; on the CPU, fp32.
//   kBf16  the inputs rounded to bfloat16 (8-bit mantissa): oneDNN's bf16 primitives on the CPU,
//          cuBLAS's and cuDNN's bf16 tensor-core math on the GPU. Parameters are converted once
//          per update (Tensor::write_count), activations at each call.
enum class Math { kFp32, kTf32, kBf16 };
const char* math_name(Math m);  // "fp32", "tf32", "bf16"

// ---- matrix multiply ---------------------------------------------------------------------
// c[M,N] = op(a)[M,K] · op(b)[K,N] (+ bias[N]) (+ c if accumulate); op = transpose when asked.
void matmul(const Tensor& a, bool trans_a, const Tensor& b, bool trans_b, Tensor& c,
            bool accumulate = false, const Tensor* bias = nullptr, Math math = Math::kFp32);
// y[D] (+)= Σ_n x[n, D...]: sum over the first dimension (bias gradients).
void sum_rows(const Tensor& x, Tensor& y, bool accumulate);

// ---- convolution (square kernels; weights [O,C,K,K]; N,C,H,W activations) ------------------
struct ConvGeometry {
  int64_t stride = 1;
  int64_t pad = 0;
  Math math = Math::kFp32;  // the arithmetic of every op of this convolution
};
int64_t conv_out_size(int64_t in, int64_t kernel, const ConvGeometry& g);
int64_t deconv_out_size(int64_t in, int64_t kernel, const ConvGeometry& g);

// y[N,O,H',W'] = conv(x[N,C,H,W], w[O,C,K,K]) + b[O]   (bias may be null)
void conv2d_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y,
                    const ConvGeometry& g);
// dx[N,C,H,W] = conv_backward_data(dy, w)
void conv2d_backward_data(const Tensor& dy, const Tensor& w, Tensor& dx, const ConvGeometry& g);
// dw += ..., db += Σ dy   (db may be null)
void conv2d_backward_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db,
                             const ConvGeometry& g);

// Transposed convolution. Weights [O,C,K,K] as oneDNN lays them out (O = output channels).
// y[N,O,H',W'] with H' = (H-1)·stride - 2·pad + K.
void deconv2d_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y,
                      const ConvGeometry& g);
void deconv2d_backward_data(const Tensor& dy, const Tensor& w, Tensor& dx, const ConvGeometry& g);
void deconv2d_backward_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db,
                               const ConvGeometry& g);

// ---- batch normalization over N (and H, W) per channel; x is [N,C] or [N,C,H,W] ------------
// Training: batch statistics written to mean[C], var[C] (biased variance).
void batchnorm_forward_train(const Tensor& x, const Tensor& scale, const Tensor& shift, Tensor& y,
                             Tensor& mean, Tensor& var, float eps);
// Inference: uses the given (running) statistics.
void batchnorm_forward_infer(const Tensor& x, const Tensor& scale, const Tensor& shift,
                             const Tensor& mean, const Tensor& var, Tensor& y, float eps);
// dx = ..., dscale += ..., dshift += ... with the statistics saved by forward_train.
void batchnorm_backward(const Tensor& x, const Tensor& dy, const Tensor& scale, const Tensor& mean,
                        const Tensor& var, Tensor& dx, Tensor& dscale, Tensor& dshift, float eps);

// Synchronised batch norm pieces (statistics over all ranks):
// sum[C] = Σ x and, when `mean` is given, Σ (x - mean)² instead, per channel over N (and H, W).
void channel_sums(const Tensor& x, const Tensor* mean, Tensor& sum);
// dx from global sums: dx = scale/√(var+eps) · (dy - Σdy/count - x̂ · Σ(dy·x̂)/count).
void batchnorm_backward_data_from_sums(const Tensor& x, const Tensor& dy, const Tensor& scale,
                                       const Tensor& mean, const Tensor& var, const Tensor& sum_dy,
                                       const Tensor& sum_dy_xhat, double count, Tensor& dx,
                                       float eps);
// mean[C] = sum[C] / count, divided in double and rounded once: the global mean (and variance)
// from the channel sums added up over ranks.
void mean_from_sums(const Tensor& sum, double count, Tensor& mean);

// ---- elementwise activations ----------------------------------------------------------------
enum class Activation { kLinear, kRelu, kLeakyRelu, kSigmoid, kTanh };
// y = f(x); alpha is the negative slope of leaky relu.
void eltwise_forward(Activation f, float alpha, const Tensor& x, Tensor& y);
// dx = f'(x) · dy
void eltwise_backward(Activation f, float alpha, const Tensor& x, const Tensor& dy, Tensor& dx);
// Whether conv2d_forward_activated and matmul_activated take f: ReLU and leaky ReLU with
// alpha ≥ 0, whose derivative the output gives as well as the input (f(x) > 0 exactly where
// x > 0).
bool activation_fuses(Activation f, float alpha);
// c = f(op(a) · op(b) + bias): matmul and eltwise_forward in one; on the CPU oneDNN applies f as
// the matmul writes c (a post-op), sparing a pass over c.
void matmul_activated(const Tensor& a, bool trans_a, const Tensor& b, bool trans_b, Tensor& c,
                      const Tensor* bias, Activation f, float alpha, Math math = Math::kFp32);
// y = f(conv(x, w) + b): conv2d_forward and eltwise_forward in one; on the CPU oneDNN applies f
// as the convolution writes y (a post-op), sparing a pass over y.
void conv2d_forward_activated(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y,
                              const ConvGeometry& g, Activation f, float alpha);

// ---- whole-tensor moves ---------------------------------------------------------------------
void fill(Tensor& x, float value);          // x = value
void copy(const Tensor& src, Tensor& dst);  // dst = src (same number of elements)
// dst = src, both [N,C,H,W], each in its own layout (Tensor::channels_last): a relayout.
void copy_layout(const Tensor& src, Tensor& dst);
// y[n,c,i,j] = x[n,c,top+i,left+j]: the window of x[N,C,H,W] at (top, left), the size of
// y[N,C,h,w] (both nchw). A decoder's output cut to the data's size.
void crop2d(const Tensor& x, int64_t top, int64_t left, Tensor& y);
// dx = 0 outside the window at (top, left), dy inside it: crop2d's gradient (both nchw).
void crop2d_backward(const Tensor& dy, int64_t top, int64_t left, Tensor& dx);
// The explicit crossings between host memory and a tensor's device, numel() floats each way:
// what the host makes for the device (class labels) and what it reads back (a count, moments).
void copy_from_host(const float* src, Tensor& dst);
void copy_to_host(const Tensor& src, float* dst);

// ---- small fused kernels --------------------------------------------------------------------
void add(const Tensor& a, const Tensor& b, Tensor& y);  // y = a + b
void axpy(float alpha, const Tensor& x, Tensor& y);     // y += alpha·x
void scale(Tensor& x, float alpha);                     // x *= alpha
void mul(const Tensor& a, const Tensor& b, Tensor& y);  // y = a ⊙ b
// y = a + b ⊙ c (the reparameterization z = μ + σ·ε uses it)
void fma(const Tensor& a, const Tensor& b, const Tensor& c, Tensor& y);
void exp_half(const Tensor& logvar, Tensor& sigma);  // σ = exp(logvar / 2)
// dst[:, dst_col : dst_col+cols] = src[:, src_col : src_col+cols] on [N, D] matrices
// (splitting the VAE encoder's [μ | log σ²] output and joining their gradients).
void copy_columns(const Tensor& src, int64_t src_col, Tensor& dst, int64_t dst_col, int64_t cols);
// Reductions return a Scalar: pending on a GPU until read (runtime/scalar.hpp).
Scalar sum(const Tensor& x);
Scalar sum_squares(const Tensor& x);
Scalar count_nonfinite(const Tensor& x);  // NaN and ±inf elements
bool all_finite(const Tensor& x);         // reads count_nonfinite at once

// ---- losses and penalties -------------------------------------------------------------------
// Each returns the loss SUMMED over the batch (and over elements within a sample), as a Scalar
// (pending on a GPU until read). When `grad` is given it is overwritten with grad_scale ·
// d(sum)/d(input); the caller passes grad_scale = 1 / global batch so that N ranks summing
// gradients train like one rank. When `per_sample` [N] is given, each sample's summed loss is
// written there.

// Σ max(z,0) - z·t + log(1 + e^-|z|), stable for any logit z.
Scalar bce_with_logits(const Tensor& logits, const Tensor& target, Tensor* grad, float grad_scale,
                       Tensor* per_sample = nullptr);
// Σ (p - t)²
Scalar mse(const Tensor& pred, const Tensor& target, Tensor* grad, float grad_scale,
           Tensor* per_sample = nullptr);
// Σ -½ (1 + logvar - μ² - e^logvar): KL(N(μ,σ²) ‖ N(0,1)) in closed form.
Scalar gaussian_kl(const Tensor& mu, const Tensor& logvar, Tensor* dmu, Tensor* dlogvar,
                   float grad_scale, Tensor* per_sample = nullptr);
// weight · Σ |a|; grad += grad_scale · weight · sign(a) (ACCUMULATES: a penalty adds to the
// gradient already flowing into a).
Scalar l1_penalty(const Tensor& a, float weight, Tensor* grad, float grad_scale);
// weight · Σ_j ρ log(ρ/ρ̂_j) + (1-ρ) log((1-ρ)/(1-ρ̂_j)), ρ̂_j the batch mean of a[:, j]
// (activations in (0,1)). `batch_mean` [D] may hold the global ρ̂ (averaged across ranks); when
// null it is computed from `a`. grad += weight · dKL/dρ̂ · grad_scale, grad_scale being
// dρ̂/da = 1 / global batch (ACCUMULATES). Returns the penalty once per batch, not per sample.
Scalar bernoulli_kl_sparsity(const Tensor& a, float rho, float weight, Tensor* grad,
                             float grad_scale, const Tensor* batch_mean = nullptr);

// GAN hinge losses on discriminator logits z: Σ max(0, 1 - sign·z) (sign +1 for real, -1 for
// fake), and the generator's -Σ z. grad overwritten with grad_scale · derivative.
Scalar hinge_loss(const Tensor& logits, float sign, Tensor* grad, float grad_scale);
Scalar negated_sum_loss(const Tensor& logits, Tensor* grad, float grad_scale);

// ---- classification and likelihood bounds (runtime/ops_probability.cpp) --------------------
// Softmax cross-entropy of logits[N, C] against class indices labels[N] (held as floats, exact
// below 2^24): Σ_n log Σ_c e^z[n,c] - z[n, label_n], stable for any logit. grad (when given)
// is overwritten with grad_scale · (softmax(z) - onehot(label)).
Scalar softmax_cross_entropy(const Tensor& logits, const Tensor& labels, Tensor* grad,
                             float grad_scale, Tensor* per_sample = nullptr);
// out[N] = the column of each row's largest value (the first of ties), as a float.
void argmax_rows(const Tensor& x, Tensor& out);
// Elements where a and b hold the same value.
Scalar count_equal(const Tensor& a, const Tensor& b);
// out[N] = log Σ_k e^x[n,k], stable (the row's maximum is taken out first).
void logsumexp_rows(const Tensor& x, Tensor& out);
// out[N] = log N(z; 0, I) - log N(z; μ, σ²) for z = μ + σ·ε: Σ_j (ε² - z² + log σ²) / 2, the
// prior-over-posterior part of a VAE's importance weight.
void gaussian_log_ratio(const Tensor& z, const Tensor& eps, const Tensor& logvar, Tensor& out);
// A discriminator's verdicts on logits z: Σ σ(z) = Σ 1 / (1 + e^-z) in double, element by
// element in order (the mean probability of "real"); and the elements with z > 0 (positive) or
// z < 0 (not), the logits on the side of real or of fake.
Scalar sum_sigmoid(const Tensor& z);
Scalar count_sign(const Tensor& z, bool positive);

// ---- random numbers (Philox4x32-10, runtime/philox.hpp) ------------------------------------
// Element j of row n of t[N, ...] is the draw (key, index first_index + n, element j): a row's
// numbers depend on its global sample index only, never on the batch split or the device.
struct RandomKey {
  uint32_t seed;
  uint32_t stream;
};
// t = lo + (hi - lo)·u, u uniform in [0, 1)
void random_uniform(Tensor& t, RandomKey key, uint64_t first_index, float lo, float hi);
// t = mean + stddev·z, z standard normal
void random_normal(Tensor& t, RandomKey key, uint64_t first_index, float mean, float stddev);
// Inverted dropout: mask = 0 where u < p, else 1/(1-p).
void dropout_mask(Tensor& mask, RandomKey key, uint64_t first_index, float p);

// Input corruption of denoising autoencoders: gaussian y = x + level·z; masking y = 0 where
// u < level; salt-pepper y = 0 where u < level/2, 1 where level/2 <= u < level; none: y = x.
enum class Noise { kNone, kGaussian, kMasking, kSaltPepper };
void corrupt(Noise kind, float level, RandomKey key, const Tensor& x, Tensor& y,
             uint64_t first_index);

}  // namespace latent::ops
