#include "models/gan.hpp"

#include "layers/activation.hpp"
#include "models/architectures.hpp"
#include "models/kinds.hpp"
#include "models/option_values.hpp"
#include "runtime/error.hpp"
#include "runtime/ops.hpp"

namespace latent {
namespace {

std::unique_ptr<Sequential> generator_for(const ModelConfig& c, int64_t classes) {
  auto g = build_decoder(c, c.latent + classes, c.arch == "conv");  // DCGAN: batch norm in G
  g->emplace<Activation>(ops::Activation::kSigmoid);  // images in [0, 1] like the data
  return g;
}

// The discriminator reads images, with the classes joined when conditional.
std::unique_ptr<Sequential> discriminator_for(const ModelConfig& c, int64_t classes) {
  if (classes == 0) return build_encoder(c, 1, HiddenActivation::kDiscriminator);
  ModelConfig joined = c;
  joined.sample_shape = conditioned_shape(c.sample_shape, classes, c.arch == "conv");
  return build_encoder(joined, 1, HiddenActivation::kDiscriminator);
}

// z of the g-th generator update of a round (g >= 1; the first reuses the D step's z), and of
// evaluation's fakes.
StreamId g_step_stream(int g) {
  return derive_stream(kStreamLatent, "g-step/" + std::to_string(g));
}
const StreamId kEvaluateStream = derive_stream(kStreamLatent, "evaluate");

}  // namespace

const std::vector<ModelOption>& gan_options() {
  static const std::vector<ModelOption> options = {
      {"gan-loss", "bce", "bce (non-saturating) | hinge",
       [](ModelConfig& c, const std::string& v) { c.gan.loss = v; }},
      {"d-steps", "1", "discriminator updates per round",
       [](ModelConfig& c, const std::string& v) {
         c.gan.d_steps = static_cast<int>(option_int("d-steps", v));
       }},
      {"g-steps", "1", "generator updates per round",
       [](ModelConfig& c, const std::string& v) {
         c.gan.g_steps = static_cast<int>(option_int("g-steps", v));
       }},
      {"label-smoothing", "0", "real label 1 - s",
       [](ModelConfig& c, const std::string& v) {
         c.gan.label_smoothing = option_float("label-smoothing", v);
       }},
      {"pretrain-epochs", "0", "first train G as an autoencoder's decoder for K epochs",
       [](ModelConfig& c, const std::string& v) {
         c.gan.pretrain_epochs = static_cast<int>(option_int("pretrain-epochs", v));
       }},
      {"lr-d", "0.0002", "discriminator learning rate",
       [](ModelConfig& c, const std::string& v) { c.gan.lr_d = option_float("lr-d", v); }},
      {"lr-g", "0.0002", "generator learning rate",
       [](ModelConfig& c, const std::string& v) { c.gan.lr_g = option_float("lr-g", v); }},
      ema_option(),
  };
  return options;
}

void validate_gan(const ModelConfig& c) {
  // A round of more updates than this is a typo (WGAN's critic takes 5), and would run for hours.
  constexpr int kMaxStepsPerRound = 100;
  const GanOptions& g = c.gan;
  require_option(g.loss == "bce" || g.loss == "hinge", "gan-loss", g.loss, "bce or hinge");
  require_option(g.d_steps >= 1 && g.d_steps <= kMaxStepsPerRound, "d-steps",
                 std::to_string(g.d_steps), "1 to " + std::to_string(kMaxStepsPerRound));
  require_option(g.g_steps >= 1 && g.g_steps <= kMaxStepsPerRound, "g-steps",
                 std::to_string(g.g_steps), "1 to " + std::to_string(kMaxStepsPerRound));
  require_option(g.label_smoothing >= 0 && g.label_smoothing < 0.5f, "label-smoothing",
                 std::to_string(g.label_smoothing), "a value in [0, 0.5)");
  require_option(g.pretrain_epochs >= 0, "pretrain-epochs", std::to_string(g.pretrain_epochs),
                 ">= 0");
  require_option(g.lr_d > 0, "lr-d", std::to_string(g.lr_d), "> 0");
  require_option(g.lr_g > 0, "lr-g", std::to_string(g.lr_g), "> 0");
  validate_ema(c);
}

std::unique_ptr<Model> make_gan(const ModelConfig& c, uint32_t seed) {
  return std::make_unique<Gan>(c, seed);
}

Gan::Gan(const ModelConfig& c, uint32_t seed) : Gan(c, seed, nullptr) {}

Gan::Gan(const ModelConfig& c, uint32_t seed, std::unique_ptr<Conditioning> conditioning)
    : Model(c),
      conditioning_(std::move(conditioning)),
      generator_("generator", generator_for(c, conditioning_ ? conditioning_->classes() : 0),
                 c.optimizer, seed, c.device, c.math),
      discriminator_("discriminator",
                     discriminator_for(c, conditioning_ ? conditioning_->classes() : 0),
                     c.optimizer, seed, c.device, c.math) {
  if (c.gan.pretrain_epochs > 0)
    pretrain_encoder_.emplace("pretrain_encoder",
                              build_encoder(c, c.latent, HiddenActivation::kConfigured),
                              c.optimizer, seed, c.device, c.math);
  if (c.ema_half_life > 0) generator_.enable_average(c.ema_half_life);
}

std::vector<StreamId> Gan::random_streams() {
  auto streams = Model::random_streams();
  streams.push_back(kStreamLatent);
  streams.push_back(kEvaluateStream);
  for (int g = 1; g < config_.gan.g_steps; ++g) streams.push_back(g_step_stream(g));
  return streams;
}

std::vector<Network*> Gan::networks() {
  std::vector<Network*> n{&generator_, &discriminator_};
  if (pretrain_encoder_) n.push_back(&*pretrain_encoder_);
  return n;
}

const Tensor& Gan::generator_input(const Tensor& z) {
  return conditioning_ ? conditioning_->join_one_hot(z, generator_joint_) : z;
}

const Tensor& Gan::discriminator_input(const Tensor& x) {
  if (!conditioning_) return x;
  return conditioning_->join(x, config_.arch == "conv", discriminator_joint_);
}

const Tensor& Gan::own_part(const Tensor& djoint, const Shape& own, Tensor& part) {
  if (!conditioning_) return djoint;
  part.resize(own, djoint.device());
  conditioning_->split_gradient(djoint, part);
  return part;
}

const Tensor& Gan::generate_batch(int64_t n, uint32_t seed, StreamId stream, uint64_t first_index,
                                  bool train) {
  z_.resize(Shape{n, config_.latent}, config_.device);
  CounterRng(seed, stream).fill_normal(z_, first_index);
  return generator_.forward(generator_input(z_), PassContext{train, seed, first_index});
}

Gan::Verdict Gan::judge(const Tensor& x, bool real, float target, float grad_scale, bool train,
                        uint64_t first_index, Tensor* per_sample) {
  const Tensor& logits =
      discriminator_.forward(discriminator_input(x), PassContext{train, 0, first_index});
  // Two numbers for the metrics: the mean verdict and the logits on the right side.
  Verdict v;
  v.mean_prob = ops::sum_sigmoid(logits) / static_cast<double>(logits.numel());
  v.correct = ops::count_sign(logits, real);
  loss_grad_.resize(logits.shape(), logits.device());
  if (config_.gan.loss == "hinge") {
    v.loss = ops::hinge_loss(logits, real ? 1.0f : -1.0f, &loss_grad_, grad_scale);
  } else {
    target_.resize(logits.shape(), logits.device());
    target_.fill(target);
    v.loss = bce_.forward(logits, target_, grad_scale, per_sample);
    loss_grad_.copy_from(bce_.grad());
  }
  return v;
}

Metrics Gan::train_step(const Tensor& batch, const BatchInfo& info) {
  int64_t n = batch.dim(0);
  // The fakes of a conditional GAN take the classes of the real batch they are judged beside.
  if (conditioning_ && info.labels) conditioning_->set_labels(*info.labels, info.first_index);
  float scale = 1.0f / static_cast<float>(info.global_batch);
  // Each sample's z is keyed by its global index, so the fakes do not depend on the split.
  discriminator_.zero_grad();
  Verdict real =
      judge(batch, true, 1.0f - config_.gan.label_smoothing, scale, true, info.first_index);
  discriminator_.backward(loss_grad_, false, Network::Grads::kAccumulate);
  const Tensor& fake = generate_batch(n, info.seed, kStreamLatent, info.first_index, true);
  Verdict fake_v = judge(fake, false, 0.0f, scale, true, info.first_index);
  discriminator_.backward(loss_grad_, false);  // the last backward before the step: sync here
  discriminator_.step(config_.gan.lr_d * info.lr_scale);

  Metrics m;
  m.set("loss_d", (real.loss + fake_v.loss) / n);
  m.set("d_real", real.mean_prob);
  m.set("d_fake", fake_v.mean_prob);
  m.set("d_acc", (real.correct + fake_v.correct) / (2.0 * n));
  if ((info.step + 1) % config_.gan.d_steps == 0) {
    for (int g = 0; g < config_.gan.g_steps; ++g)
      generator_step(info, g, g == 0 ? &fake : nullptr, m);
  }
  return m;
}

void Gan::generator_step(const BatchInfo& info, int g, const Tensor* d_step_fake, Metrics& m) {
  float scale = 1.0f / static_cast<float>(info.global_batch);
  int64_t rows = z_.dim(0);  // this rank's share, as in the D step
  // The first G update reuses the D step's fakes (G has not run since, so its layers still
  // hold that forward pass, and G's parameters have not changed); later ones draw new z from
  // a stream per update.
  const Tensor& fake =
      d_step_fake ? *d_step_fake
                  : generate_batch(rows, info.seed, g_step_stream(g), info.first_index, true);
  const Tensor& logits =
      discriminator_.forward(discriminator_input(fake), PassContext{true, 0, info.first_index});
  loss_grad_.resize(logits.shape(), logits.device());
  Scalar loss;
  if (config_.gan.loss == "hinge") {
    loss = ops::negated_sum_loss(logits, &loss_grad_, scale);
  } else {  // non-saturating: G wants D to call its samples real
    target_.resize(logits.shape(), logits.device());
    target_.fill(1.0f);
    loss = bce_.forward(logits, target_, scale);
    loss_grad_.copy_from(bce_.grad());
  }
  generator_.zero_grad();
  const Tensor& dfake = own_part(discriminator_.backward(loss_grad_, true, Network::Grads::kSkip),
                                 fake.shape(), dimages_);
  generator_.backward(dfake, false);
  generator_.step(config_.gan.lr_g * info.lr_scale);
  m.set("loss_g", loss / rows);
}

Metrics Gan::evaluate(const Tensor& batch, const BatchInfo& info, Tensor* per_sample) {
  int64_t n = batch.dim(0);
  if (conditioning_ && info.labels) conditioning_->set_labels(*info.labels, info.first_index);
  // per_sample: D's loss on each real sample, how unreal D finds it.
  Verdict real = judge(batch, true, 1.0f, 0.0f, false, info.first_index, per_sample);
  const Tensor& fake = generate_batch(n, info.seed, kEvaluateStream, info.first_index, false);
  Verdict fake_v = judge(fake, false, 0.0f, 0.0f, false, info.first_index);
  Metrics m;
  m.set("loss", real.loss + fake_v.loss);
  m.set("loss_d", real.loss + fake_v.loss);
  m.set("d_real", real.mean_prob * n);
  m.set("d_fake", fake_v.mean_prob * n);
  m.set("d_acc", (real.correct + fake_v.correct) / 2.0);
  return m;
}

void Gan::decode(const Tensor& codes, Tensor& images) {
  const Tensor& g = generator_.forward(generator_input(codes), PassContext{false, 0, 0});
  images.resize(g.shape(), g.device());
  images.copy_from(g);
  images.reshape(batch_shape(codes.dim(0)));
}

// Autoencoder pretraining: G is the decoder of a separate encoder, trained on MSE.
Metrics Gan::pretrain_step(const Tensor& batch, const BatchInfo& info) {
  PassContext ctx{true, info.seed, info.first_index};
  float scale = 1.0f / static_cast<float>(info.global_batch);
  if (conditioning_ && info.labels) conditioning_->set_labels(*info.labels, info.first_index);
  const Tensor& code = pretrain_encoder_->forward(batch, ctx);
  const Tensor& out = generator_.forward(generator_input(code), ctx);
  Scalar loss = mse_.forward(out, batch, scale);
  pretrain_encoder_->zero_grad();
  generator_.zero_grad();
  pretrain_encoder_->backward(own_part(generator_.backward(mse_.grad(), true), code.shape(), dz_),
                              false);
  generator_.step(config_.gan.lr_g * info.lr_scale);
  pretrain_encoder_->step(config_.gan.lr_g * info.lr_scale);
  Metrics m;
  m.set("loss", loss / batch.dim(0));
  m.set("recon", loss / batch.dim(0));
  return m;
}

}  // namespace latent
