#include "models/autoencoder.hpp"

#include "layers/activation.hpp"
#include "layers/rank_sum.hpp"
#include "models/architectures.hpp"
#include "models/kinds.hpp"
#include "models/option_values.hpp"
#include "runtime/error.hpp"
#include "runtime/ops.hpp"

namespace latent {
namespace {

using Penalty = AutoencoderVariant::Penalty;

std::unique_ptr<Sequential> encoder_for(const ModelConfig& c, Penalty penalty) {
  auto net = build_encoder(c, c.latent, HiddenActivation::kConfigured);
  if (penalty != Penalty::kNone)
    net->emplace<Activation>(penalty == Penalty::kKl ? ops::Activation::kSigmoid
                                                     : ops::Activation::kRelu);
  return net;
}

}  // namespace

// --- the `ae` kind: only the options the autoencoders and the VAE share.

const std::vector<ModelOption>& autoencoder_options() {
  static const std::vector<ModelOption> options = {recon_option(), lr_option()};
  return options;
}

void validate_autoencoder(const ModelConfig& c) {
  validate_recon_and_lr(c);
}

std::unique_ptr<Model> make_autoencoder(const ModelConfig& c, uint32_t seed) {
  return std::make_unique<Autoencoder>(c, seed);
}

ModelOption recon_option() {
  return {"recon", "bce", "reconstruction loss: bce (on logits, data in [0,1]) | mse",
          [](ModelConfig& c, const std::string& v) { c.recon = v; }};
}

ModelOption lr_option() {
  return {"lr", "0.001", "learning rate",
          [](ModelConfig& c, const std::string& v) { c.lr = option_float("lr", v); }};
}

void validate_recon_and_lr(const ModelConfig& c) {
  require_option(c.recon == "bce" || c.recon == "mse", "recon", c.recon, "bce or mse");
  require_option(c.lr > 0, "lr", std::to_string(c.lr), "> 0");
}

// --- the model

Autoencoder::Autoencoder(const ModelConfig& c, uint32_t seed, AutoencoderVariant variant)
    : Model(c),
      variant_(variant),
      encoder_("encoder", encoder_for(c, variant.penalty), c.optimizer, seed, c.device, c.math),
      decoder_("decoder", build_decoder(c, c.latent, false), c.optimizer, seed, c.device, c.math),
      recon_(c.recon) {}

const Tensor& Autoencoder::model_input(const Tensor& batch, const BatchInfo& info) {
  if (variant_.noise == NoiseKind::kNone) return batch;
  noisy_.resize(batch.shape(), batch.device());
  corrupt(variant_.noise, config_.corruption.level, CounterRng(info.seed, kStreamNoise), batch,
          noisy_, info.first_index);
  return noisy_;
}

std::vector<StreamId> Autoencoder::random_streams() {
  auto streams = Model::random_streams();
  if (variant_.noise != NoiseKind::kNone) streams.push_back(kStreamNoise);  // corruption
  return streams;
}

Scalar Autoencoder::penalty(const Tensor& code, Tensor* grad, float grad_scale,
                            int64_t global_rows) {
  if (variant_.penalty == Penalty::kNone) return 0.0;
  Tensor scratch;
  const bool training = grad != nullptr;
  if (!training) {  // evaluation: value only, ρ̂ of this batch
    scratch = Tensor(code.shape(), code.device());
    grad = &scratch;
  }
  const SparsityOptions& s = config_.sparsity;
  if (variant_.penalty == Penalty::kL1)
    return l1_activation_penalty(code, s.weight, *grad, grad_scale);
  const Tensor* global_mean = nullptr;
  if (training && rank_sum_) {
    // ρ̂ is a statistic of the global batch: Σ over every rank's rows, then the mean.
    mean_code_.resize(Shape{code.shape().per_sample()}, code.device());
    ops::sum_rows(code, mean_code_, false);
    sum_across_ranks(rank_sum_, mean_code_, mean_code_.numel());
    ops::scale(mean_code_, 1.0f / static_cast<float>(global_rows));
    global_mean = &mean_code_;
  }
  return kl_sparsity_penalty(code, s.target, s.weight, *grad, grad_scale, global_mean);
}

Metrics Autoencoder::train_step(const Tensor& batch, const BatchInfo& info) {
  PassContext ctx{true, info.seed, info.first_index};
  float scale = 1.0f / static_cast<float>(info.global_batch);
  const Tensor& code = encoder_.forward(model_input(batch, info), ctx);
  const Tensor& out = decoder_.forward(code, ctx);
  Scalar recon = recon_.loss(out, batch, scale);

  encoder_.zero_grad();
  decoder_.zero_grad();
  dcode_.resize(code.shape(), code.device());
  dcode_.copy_from(decoder_.backward(recon_.grad(), true));
  Scalar pen = penalty(code, &dcode_, scale, info.global_batch);
  encoder_.backward(dcode_, false);
  float lr = config_.lr * info.lr_scale;
  Network::step_together({&decoder_, &encoder_}, lr);

  double n = static_cast<double>(batch.dim(0));
  // The KL penalty is per batch; L1 is summed over samples.
  Scalar pen_per_sample = variant_.penalty == Penalty::kKl ? pen : pen / n;
  Metrics m;
  m.set("loss", recon / n + pen_per_sample);
  m.set("recon", recon / n);
  if (variant_.penalty != Penalty::kNone) m.set("penalty", pen_per_sample);
  return m;
}

Metrics Autoencoder::evaluate(const Tensor& batch, const BatchInfo& info, Tensor* per_sample) {
  PassContext ctx{false, info.seed, info.first_index};
  const Tensor& code = encoder_.forward(model_input(batch, info), ctx);
  const Tensor& out = decoder_.forward(code, ctx);
  Scalar recon = recon_.loss(out, batch, 0.0f, per_sample);
  Scalar pen = penalty(code, nullptr, 0.0f, batch.dim(0));
  double n = static_cast<double>(batch.dim(0));
  Metrics m;
  m.set("loss", recon + (variant_.penalty == Penalty::kKl ? pen * n : pen));
  m.set("recon", recon);
  m.set("mse_per_pixel", recon_.squared_error(out, batch) / batch.shape().per_sample());
  return m;
}

void Autoencoder::reconstruct(const Tensor& batch, const BatchInfo& info, Tensor& out) {
  PassContext ctx{false, info.seed, info.first_index};
  recon_.to_images(decoder_.forward(encoder_.forward(model_input(batch, info), ctx), ctx), out);
  out.reshape(batch.shape());
}

const Tensor& Autoencoder::encode(const Tensor& batch) {
  return encoder_.forward(batch, PassContext{false, 0, 0});
}

void Autoencoder::encode(const Tensor& batch, Tensor& codes, Tensor*) {
  const Tensor& c = encode(batch);
  codes.resize(c.shape(), c.device());
  codes.copy_from(c);
}

void Autoencoder::decode(const Tensor& codes, Tensor& images) {
  recon_.to_images(decoder_.forward(codes, PassContext{false, 0, 0}), images);
  images.reshape(batch_shape(codes.dim(0)));
}

void Autoencoder::score(const Tensor& batch, const BatchInfo& info, Tensor& scores) {
  scores.resize(Shape{batch.dim(0)}, batch.device());
  evaluate(batch, info, &scores);
}

}  // namespace latent
