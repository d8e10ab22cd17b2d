#include "models/model_config.hpp"

#include <cstdio>
#include <set>

#include "io/label_range.hpp"
#include "runtime/error.hpp"
#include "runtime/machine_memory.hpp"

namespace latent {
namespace {

void require(bool ok, const std::string& option, const std::string& value,
             const std::string& expected) {
  if (!ok) throw UserError("--" + option + " " + value + ": expected " + expected);
}

bool one_of(const std::string& v, std::set<std::string> allowed) {
  return allowed.count(v) > 0;
}

constexpr int kMaxStepsPerRound = 100;

std::string join(const std::vector<int64_t>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s;
}

// Weights of encoder and decoder (or generator and discriminator), roughly: enough to refuse a
// model that cannot fit before allocating it, with the options that size it named.
void require_fits_in_memory(const ModelConfig& c) {
  const Shape& s = c.sample_shape;
  if (s.rank() == 0) return;
  double params = 0;
  std::string options;
  if (c.arch == "conv" && s.rank() == 3 && c.conv_widths.size() == 2) {
    double w1 = static_cast<double>(c.conv_widths[0]), w2 = static_cast<double>(c.conv_widths[1]);
    params = 2 * (s[0] * w1 * 16 + w1 * w2 * 16 + w2 * (s[1] / 4) * (s[2] / 4) * c.latent);
    options = "--conv-widths " + join(c.conv_widths) + " --latent " + std::to_string(c.latent);
  } else {
    std::vector<double> chain{static_cast<double>(s.numel())};
    for (int64_t h : c.hidden) chain.push_back(static_cast<double>(h));
    chain.push_back(static_cast<double>(c.latent));
    for (size_t i = 0; i + 1 < chain.size(); ++i) params += 2 * chain[i] * chain[i + 1];
    options = "--hidden " + join(c.hidden) + " --latent " + std::to_string(c.latent);
  }
  if (c.kind == "classifier") {  // the output layer: a logit per class
    params += static_cast<double>(c.latent) * static_cast<double>(c.num_classes);
    options += " --num-classes " + std::to_string(c.num_classes);
  }
  // Values, gradients and Adam's two moments: 16 bytes a parameter.
  const double need = params * 16;
  const double have = physical_memory_bytes();
  if (have > 0 && need > have) {
    char msg[256];
    std::snprintf(msg, sizeof msg,
                  ": the model would have %.3g parameters, %.3g GB with their gradients and "
                  "optimizer state; this machine has %.3g GB of memory",
                  params, need / 1e9, have / 1e9);
    throw UserError(options + msg);
  }
}

}  // namespace

void validate(const ModelConfig& c) {
  require(one_of(c.kind, {"ae", "sparse-ae", "denoising-ae", "vae", "gan", "classifier"}), "model",
          c.kind, "ae, sparse-ae, denoising-ae, vae, gan or classifier");
  require(c.kind != "classifier" || (c.num_classes >= 2 && c.num_classes <= kMaxClasses),
          "num-classes", std::to_string(c.num_classes),
          "2 to " + std::to_string(kMaxClasses) + " classes");
  require(one_of(c.arch, {"mlp", "conv"}), "arch", c.arch, "mlp or conv");
  require(c.latent > 0, "latent", std::to_string(c.latent), "a positive size");
  for (int64_t h : c.hidden) require(h > 0, "hidden", std::to_string(h), "positive widths");
  for (int64_t w : c.conv_widths)
    require(w > 0, "conv-widths", std::to_string(w), "positive channel counts");
  require(c.conv_widths.size() == 2, "conv-widths",
          std::to_string(c.conv_widths.size()) + " values",
          "two channel counts (28×28 → 14×14 → 7×7)");
  require(one_of(c.activation, {"relu", "leaky-relu", "tanh", "sigmoid", "linear"}), "activation",
          c.activation, "relu, leaky-relu, tanh, sigmoid or linear");
  require(one_of(c.recon, {"bce", "mse"}), "recon", c.recon, "bce or mse");
  require(one_of(c.sparsity, {"l1", "kl"}), "sparsity", c.sparsity, "l1 or kl");
  require(c.sparsity_weight >= 0, "sparsity-weight", std::to_string(c.sparsity_weight), ">= 0");
  require(c.sparsity_target > 0 && c.sparsity_target < 1, "sparsity-target",
          std::to_string(c.sparsity_target), "a rate in (0, 1)");
  require(one_of(c.noise, {"gaussian", "masking", "salt-pepper"}), "noise", c.noise,
          "gaussian, masking or salt-pepper");
  require(c.noise_level >= 0 && (c.noise == "gaussian" || c.noise_level <= 1), "noise-level",
          std::to_string(c.noise_level),
          "a level >= 0 (a probability <= 1 for masking/salt-pepper)");
  require(c.beta >= 0, "beta", std::to_string(c.beta), ">= 0");
  require(one_of(c.gan_loss, {"bce", "hinge"}), "gan-loss", c.gan_loss, "bce or hinge");
  // A round of more updates than this is a typo (WGAN's critic takes 5), and would run for hours.
  require(c.d_steps >= 1 && c.d_steps <= kMaxStepsPerRound, "d-steps", std::to_string(c.d_steps),
          "1 to " + std::to_string(kMaxStepsPerRound));
  require(c.g_steps >= 1 && c.g_steps <= kMaxStepsPerRound, "g-steps", std::to_string(c.g_steps),
          "1 to " + std::to_string(kMaxStepsPerRound));
  require(c.label_smoothing >= 0 && c.label_smoothing < 0.5f, "label-smoothing",
          std::to_string(c.label_smoothing), "a value in [0, 0.5)");
  require(c.pretrain_epochs >= 0, "pretrain-epochs", std::to_string(c.pretrain_epochs), ">= 0");
  require(one_of(c.optimizer.kind, {"adam", "sgd"}), "optimizer", c.optimizer.kind, "adam or sgd");
  require(c.lr > 0, "lr", std::to_string(c.lr), "> 0");
  require(c.lr_d > 0, "lr-d", std::to_string(c.lr_d), "> 0");
  require(c.lr_g > 0, "lr-g", std::to_string(c.lr_g), "> 0");
  const OptimizerConfig& o = c.optimizer;
  require(o.momentum >= 0 && o.momentum < 1, "momentum", std::to_string(o.momentum), "[0, 1)");
  require(o.beta1 >= 0 && o.beta1 < 1, "adam-beta1", std::to_string(o.beta1), "[0, 1)");
  require(o.beta2 >= 0 && o.beta2 < 1, "adam-beta2", std::to_string(o.beta2), "[0, 1)");
  require(o.weight_decay >= 0, "weight-decay", std::to_string(o.weight_decay), ">= 0");
  require_fits_in_memory(c);
  if (c.arch == "conv") {
    const Shape& s = c.sample_shape;
    require(s.rank() == 3 && s[1] % 4 == 0 && s[2] % 4 == 0, "arch", "conv",
            "image data (N, C, H, W) with H and W divisible by 4; the data has samples " + s.str());
  }
}

}  // namespace latent
