#include "models/model_config.hpp"

#include <set>

#include "runtime/error.hpp"

namespace latent {
namespace {

void require(bool ok, const std::string& option, const std::string& value,
             const std::string& expected) {
  if (!ok) throw UserError("--" + option + " " + value + ": expected " + expected);
}

bool one_of(const std::string& v, std::set<std::string> allowed) {
  return allowed.count(v) > 0;
}

}  // namespace

void validate(const ModelConfig& c) {
  require(one_of(c.kind, {"ae", "sparse-ae", "denoising-ae", "vae", "gan"}), "model", c.kind,
          "ae, sparse-ae, denoising-ae, vae or gan");
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
  require(c.d_steps >= 1, "d-steps", std::to_string(c.d_steps), ">= 1");
  require(c.g_steps >= 1, "g-steps", std::to_string(c.g_steps), ">= 1");
  require(c.label_smoothing >= 0 && c.label_smoothing < 0.5f, "label-smoothing",
          std::to_string(c.label_smoothing), "a value in [0, 0.5)");
  require(c.pretrain_epochs >= 0, "pretrain-epochs", std::to_string(c.pretrain_epochs), ">= 0");
  require(one_of(c.optimizer.kind, {"adam", "sgd"}), "optimizer", c.optimizer.kind, "adam or sgd");
  require(c.lr > 0, "lr", std::to_string(c.lr), "> 0");
  require(c.lr_d > 0, "lr-d", std::to_string(c.lr_d), "> 0");
  require(c.lr_g > 0, "lr-g", std::to_string(c.lr_g), "> 0");
  if (c.arch == "conv") {
    const Shape& s = c.sample_shape;
    require(s.rank() == 3 && s[1] % 4 == 0 && s[2] % 4 == 0, "arch", "conv",
            "image data (N, C, H, W) with H and W divisible by 4; the data has samples " + s.str());
  }
}

}  // namespace latent
