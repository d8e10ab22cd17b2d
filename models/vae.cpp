#include "models/vae.hpp"

#include "models/architectures.hpp"
#include "models/kinds.hpp"
#include "models/option_values.hpp"
#include "runtime/ops.hpp"

namespace latent {

const std::vector<ModelOption>& vae_options() {
  static const std::vector<ModelOption> options = {
      recon_option(),
      lr_option(),
      {"beta", "1", "weight of the KL term (β-VAE)",
       [](ModelConfig& c, const std::string& v) { c.vae.beta = option_float("beta", v); }},
      ema_option(),
  };
  return options;
}

void validate_vae(const ModelConfig& c) {
  validate_recon_and_lr(c);
  require_option(c.vae.beta >= 0, "beta", std::to_string(c.vae.beta), ">= 0");
  validate_ema(c);
}

std::unique_ptr<Model> make_vae(const ModelConfig& c, uint32_t seed) {
  return std::make_unique<Vae>(c, seed);
}

Vae::Vae(const ModelConfig& c, uint32_t seed) : Vae(c, seed, nullptr) {}

namespace {

// The encoder reads the batch, with the classes joined when conditional (its input shape grows).
ModelConfig encoder_config(const ModelConfig& c, const Conditioning* conditioning) {
  if (!conditioning) return c;
  ModelConfig joined = c;
  joined.sample_shape =
      conditioned_shape(c.sample_shape, conditioning->classes(), c.arch == "conv");
  return joined;
}

int64_t classes_of(const Conditioning* conditioning) {
  return conditioning ? conditioning->classes() : 0;
}

}  // namespace

Vae::Vae(const ModelConfig& c, uint32_t seed, std::unique_ptr<Conditioning> conditioning)
    : Model(c),
      conditioning_(std::move(conditioning)),
      encoder_("encoder",
               build_encoder(encoder_config(c, conditioning_.get()), 2 * c.latent,
                             HiddenActivation::kConfigured),
               c.optimizer, seed, c.device, c.math),
      decoder_("decoder", build_decoder(c, c.latent + classes_of(conditioning_.get()), false),
               c.optimizer, seed, c.device, c.math),
      recon_(c.recon) {
  if (c.ema_half_life > 0) decoder_.enable_average(c.ema_half_life);
}

const Tensor& Vae::encoder_input(const Tensor& batch, const BatchInfo& info) {
  if (!conditioning_) return batch;
  if (info.labels) conditioning_->set_labels(*info.labels, info.first_index);
  return conditioning_->join(batch, config_.arch == "conv", encoder_joint_);
}

const Tensor& Vae::decoder_input(const Tensor& z) {
  return conditioning_ ? conditioning_->join_one_hot(z, decoder_joint_) : z;
}

const Tensor& Vae::code_gradient(const Tensor& dinput) {
  if (!conditioning_) return dinput;
  dz_.resize(mu_.shape(), mu_.device());
  conditioning_->split_gradient(dinput, dz_);
  return dz_;
}

void Vae::encode(const Tensor& batch, bool train, const BatchInfo& info) {
  const Tensor& h =
      encoder_.forward(encoder_input(batch, info), PassContext{train, info.seed, info.first_index});
  int64_t n = batch.dim(0), k = config_.latent;
  mu_.resize(Shape{n, k}, h.device());
  logvar_.resize(Shape{n, k}, h.device());
  ops::copy_columns(h, 0, mu_, 0, k);
  ops::copy_columns(h, k, logvar_, 0, k);
}

const Tensor& Vae::decode(const Tensor& z) {
  return decoder_.forward(decoder_input(z), PassContext{false, 0, 0});
}

std::pair<Scalar, Scalar> Vae::forward_losses(const Tensor& batch, const BatchInfo& info,
                                              bool train, float grad_scale, Tensor* per_sample) {
  encode(batch, train, info);
  for (Tensor* t : {&sigma_, &eps_, &z_}) t->resize(mu_.shape(), mu_.device());
  ops::exp_half(logvar_, sigma_);
  CounterRng(info.seed, kStreamNoise).fill_normal(eps_, info.first_index);
  ops::fma(mu_, sigma_, eps_, z_);
  const Tensor& out =
      decoder_.forward(decoder_input(z_), PassContext{train, info.seed, info.first_index});
  Scalar recon = recon_.loss(out, batch, grad_scale, per_sample);
  if (per_sample) kl_per_sample_.resize(Shape{batch.dim(0)}, batch.device());
  Scalar kl = kl_.forward(mu_, logvar_, grad_scale * config_.vae.beta,
                          per_sample ? &kl_per_sample_ : nullptr);
  if (per_sample) ops::axpy(config_.vae.beta, kl_per_sample_, *per_sample);
  return {recon, kl};
}

std::vector<StreamId> Vae::random_streams() {
  auto streams = Model::random_streams();
  streams.push_back(kStreamNoise);         // ε
  streams.push_back(importance_stream());  // the importance-weighted bound's draws
  return streams;
}

Metrics Vae::train_step(const Tensor& batch, const BatchInfo& info) {
  float scale = 1.0f / static_cast<float>(info.global_batch);
  auto [recon, kl] = forward_losses(batch, info, true, scale, nullptr);

  encoder_.zero_grad();
  decoder_.zero_grad();
  const Tensor& dz = code_gradient(decoder_.backward(recon_.grad(), true));
  // dμ = dz + β·dKL/dμ;  d log σ² = dz ⊙ ε ⊙ σ / 2 + β·dKL/d log σ²
  for (Tensor* t : {&dmu_, &dlogvar_, &tmp_}) t->resize(mu_.shape(), mu_.device());
  ops::add(dz, kl_.grad_mu(), dmu_);
  ops::mul(dz, eps_, tmp_);
  ops::mul(tmp_, sigma_, tmp_);
  dlogvar_.copy_from(kl_.grad_logvar());
  ops::axpy(0.5f, tmp_, dlogvar_);
  int64_t k = config_.latent;
  dh_.resize(Shape{batch.dim(0), 2 * k}, batch.device());
  ops::copy_columns(dmu_, 0, dh_, 0, k);
  ops::copy_columns(dlogvar_, 0, dh_, k, k);
  encoder_.backward(dh_, false);
  float lr = config_.lr * info.lr_scale;
  Network::step_together({&decoder_, &encoder_}, lr);

  double n = static_cast<double>(batch.dim(0));
  Metrics m;
  m.set("loss", (recon + config_.vae.beta * kl) / n);
  m.set("recon", recon / n);
  m.set("kl", kl / n);
  return m;
}

Metrics Vae::evaluate(const Tensor& batch, const BatchInfo& info, Tensor* per_sample) {
  auto [recon, kl] = forward_losses(batch, info, false, 0.0f, per_sample);
  Metrics m;
  m.set("loss", recon + config_.vae.beta * kl);
  m.set("recon", recon);
  m.set("kl", kl);
  // Pixel error of the mean reconstruction (z = μ), the usual figure for a VAE.
  m.set("mse_per_pixel", recon_.squared_error(decode(mu_), batch) / batch.shape().per_sample());
  return m;
}

void Vae::reconstruct(const Tensor& batch, const BatchInfo& info, Tensor& out) {
  encode(batch, false, info);
  recon_.to_images(decode(mu_), out);
  out.reshape(batch.shape());
}

void Vae::encode(const Tensor& batch, Tensor& codes, Tensor* logvar) {
  encode(batch, false, BatchInfo{});
  codes.resize(mu_.shape(), mu_.device());
  codes.copy_from(mu_);
  if (!logvar) return;
  logvar->resize(logvar_.shape(), logvar_.device());
  logvar->copy_from(logvar_);
}

void Vae::decode(const Tensor& codes, Tensor& images) {
  recon_.to_images(decode(codes), images);
  images.reshape(batch_shape(codes.dim(0)));
}

void Vae::score(const Tensor& batch, const BatchInfo& info, Tensor& scores) {
  scores.resize(Shape{batch.dim(0)}, batch.device());
  evaluate(batch, info, &scores);
}

}  // namespace latent
