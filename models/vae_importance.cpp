// The VAE's importance-weighted bound (Burda et al., IWAE) on log p(x):
//   log p(x) ≥ L_K = E[ log (1/K) Σ_k p(x|z_k) p(z_k) / q(z_k|x) ],  z_k ~ q(z|x),
// estimated with K draws per sample. L_1 is the ELBO and L_K rises with K towards log p(x).
// log p(x|z) is minus the trained reconstruction term, so the bound is in the nats the ELBO
// is reported in. The K draws of every sample are decoded as rows of a few large batches.
#include <algorithm>
#include <cmath>

#include "models/vae.hpp"
#include "runtime/error.hpp"
#include "runtime/ops.hpp"

namespace latent {
namespace {

// Decoder rows per pass: large enough to keep the matmuls efficient, small enough that K =
// 1000 on a batch of 256 needs no more than a few MB.
constexpr int64_t kRowsPerPass = 2048;

// dst row r - r0 = src row (r / k), for r in [r0, r0 + dst rows): each sample repeated k times.
void repeat_rows(const Tensor& src, int64_t k, int64_t r0, Tensor& dst) {
  for (int64_t r = r0; r < r0 + dst.dim(0); ++r) {
    Tensor row = dst.slice(r - r0, r - r0 + 1);
    row.copy_from(src.slice(r / k, r / k + 1));
  }
}

}  // namespace

StreamId Vae::importance_stream() {
  return derive_stream(kStreamNoise, "importance");
}

Scalar Vae::importance_weighted_bound(const Tensor& batch, const BatchInfo& info, int64_t k,
                                      Tensor* per_sample) {
  if (k < 1) throw UserError("--iw-samples " + std::to_string(k) + ": expected at least 1");
  encode(batch, false, info);
  const int64_t n = batch.dim(0), latent = config_.latent, rows = n * k;
  // A conditional VAE decodes each draw with its sample's class.
  const std::vector<int> classes = conditioning_ ? conditioning_->labels() : std::vector<int>{};
  Tensor log_w(Shape{rows}, mu_.device());  // row r = i·k + j: draw j of sample i
  for (int64_t r0 = 0; r0 < rows; r0 += kRowsPerPass) {
    const int64_t m = std::min(kRowsPerPass, rows - r0);
    for (Tensor* t : {&iw_mu_, &iw_logvar_, &iw_sigma_, &iw_eps_, &iw_z_})
      t->resize(Shape{m, latent}, mu_.device());
    iw_x_.resize(batch_shape(m), batch.device());
    repeat_rows(mu_, k, r0, iw_mu_);
    repeat_rows(logvar_, k, r0, iw_logvar_);
    repeat_rows(batch, k, r0, iw_x_);
    // Draw j of sample i is keyed by (first_index + i)·k + j: the same for any batch split.
    CounterRng(info.seed, importance_stream()).fill_normal(iw_eps_, info.first_index * k + r0);
    ops::exp_half(iw_logvar_, iw_sigma_);
    ops::fma(iw_mu_, iw_sigma_, iw_eps_, iw_z_);
    iw_recon_.resize(Shape{m}, mu_.device());
    if (conditioning_) {
      std::vector<int> repeated(static_cast<size_t>(m));
      for (int64_t r = r0; r < r0 + m; ++r) repeated[r - r0] = classes[r / k];
      conditioning_->set_labels(repeated);
    }
    recon_.loss(decode(iw_z_), iw_x_, 0.0f, &iw_recon_);
    // log w = log p(z) - log q(z|x) - reconstruction
    Tensor w = log_w.slice(r0, r0 + m);
    ops::gaussian_log_ratio(iw_z_, iw_eps_, iw_logvar_, w);
    ops::axpy(-1.0f, iw_recon_, w);
  }
  if (conditioning_) conditioning_->set_labels(classes);
  log_w.reshape(Shape{n, k});
  Tensor bound(Shape{n}, mu_.device()), log_k(Shape{n}, mu_.device());
  ops::logsumexp_rows(log_w, bound);
  log_k.fill(static_cast<float>(std::log(static_cast<double>(k))));
  ops::axpy(-1.0f, log_k, bound);
  if (per_sample) per_sample->copy_from(bound);
  return ops::sum(bound);
}

}  // namespace latent
