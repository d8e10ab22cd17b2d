#pragma once
// GAN: generator G(z), z ~ N(0, 1) of size --latent, and discriminator D(x) with one logit,
// with the coordinator that alternates their updates: each train_step is one D update on a
// real batch; after every d_steps of them come g_steps G updates. The phase follows from the
// step count, so a resumed run continues it. Each network's gradients are synchronised alone.
//   bce:   D loss = BCE(D(x) → 1 - smoothing) + BCE(D(G(z)) → 0); G loss = BCE(D(G(z)) → 1)
//   hinge: D loss = Σ max(0, 1 - D(x)) + max(0, 1 + D(G(z)));   G loss = -Σ D(G(z))
// With --pretrain-epochs, G is first trained as the decoder of an autoencoder.
#include <optional>

#include <memory>

#include "layers/losses.hpp"
#include "models/conditioning.hpp"
#include "models/model.hpp"

namespace latent {

// It offers no anomaly score: D's verdict is no calibrated per-sample score.
class Gan : public Model, public Decoder, public Generator, public Pretrainer {
 public:
  Gan(const ModelConfig& c, uint32_t seed);
  Metrics train_step(const Tensor& batch, const BatchInfo& info) override;
  // Sums: loss_d, d_real, d_fake and d_acc (real vs as many generated samples).
  Metrics evaluate(const Tensor& batch, const BatchInfo& info, Tensor* per_sample) override;
  std::vector<Network*> networks() override;
  std::vector<StreamId> random_streams() override;

  Decoder* as_decoder() override { return this; }
  Generator* as_generator() override { return this; }
  Pretrainer* as_pretrainer() override { return config_.gan.pretrain_epochs > 0 ? this : nullptr; }

  // G(z) for codes z.
  int64_t code_size() const override { return config_.latent; }
  void decode(const Tensor& codes, Tensor& images) override;
  void generate(int64_t n, uint32_t seed, Tensor& out, uint64_t first_index = 0) override {
    generate_from_prior(*this, config_.device, n, seed, out, first_index);
  }
  int pretrain_epochs() const override { return config_.gan.pretrain_epochs; }
  Metrics pretrain_step(const Tensor& batch, const BatchInfo& info) override;

 protected:
  // The conditional GAN (models/conditional_gan.cpp): `conditioning` joins the class to the
  // generator's z and to the discriminator's image; null is the plain GAN.
  Gan(const ModelConfig& c, uint32_t seed, std::unique_ptr<Conditioning> conditioning);
  std::unique_ptr<Conditioning> conditioning_;

 private:
  // What each network reads: z or x, or either with the rows' classes joined.
  const Tensor& generator_input(const Tensor& z);
  const Tensor& discriminator_input(const Tensor& x);
  // An input gradient of a conditional network, less its classes' part (into `part`).
  const Tensor& own_part(const Tensor& djoint, const Shape& own, Tensor& part);

  struct Verdict {
    Scalar loss, mean_prob, correct;  // pending on a GPU until the log reads them
  };
  // D's loss on `x` judged as real or fake; fills loss_grad_ with d loss / d logits.
  // per_sample (bce only): each sample's loss.
  Verdict judge(const Tensor& x, bool real, float target, float grad_scale, bool train,
                uint64_t first_index, Tensor* per_sample = nullptr);
  // G(z) for n codes drawn from (seed, stream), row i keyed by global index first_index + i.
  const Tensor& generate_batch(int64_t n, uint32_t seed, StreamId stream, uint64_t first_index,
                               bool train);
  // d_step_fake: G(z) of the D step just taken, reused by the first G update.
  void generator_step(const BatchInfo& info, int g, const Tensor* d_step_fake, Metrics& m);

  Network generator_, discriminator_;
  std::optional<Network> pretrain_encoder_;
  BceWithLogitsLoss bce_;
  MseLoss mse_;
  Tensor z_, target_, loss_grad_, dcode_;
  Tensor generator_joint_, discriminator_joint_, dimages_, dz_;  // the conditional GAN's
};

}  // namespace latent
