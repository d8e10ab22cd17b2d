#pragma once
// Everything that defines a model: kind, architecture, loss terms and optimizers. Parsed from
// the command line / INI by launch/, validated here (UserError naming the option and value).
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/device.hpp"
#include "runtime/optimizer.hpp"
#include "runtime/shape.hpp"

namespace latent {

struct ModelConfig {
  std::string kind = "vae";             // ae | sparse-ae | denoising-ae | vae | gan | classifier
  std::string arch = "mlp";             // mlp | conv
  std::vector<int64_t> hidden = {400};  // mlp hidden widths (encoder order)
  std::vector<int64_t> conv_widths = {64, 128};  // conv channels (encoder / discriminator order)
  int64_t latent = 20;
  std::string activation = "relu";  // relu | leaky-relu | tanh | sigmoid | linear
  std::string recon = "bce";        // bce (logits, data in [0,1]) | mse

  std::string sparsity = "l1";  // sparse-ae: l1 | kl
  float sparsity_weight = 1e-3f;
  float sparsity_target = 0.05f;

  std::string noise = "gaussian";  // denoising-ae: gaussian | masking | salt-pepper
  float noise_level = 0.3f;

  float beta = 1.0f;  // vae: weight of the KL term

  int64_t num_classes = 0;  // classifier: outputs (resolved from the training labels when 0)

  std::string gan_loss = "bce";  // bce | hinge
  int d_steps = 1, g_steps = 1;
  float label_smoothing = 0.0f;  // real target 1 - s
  int pretrain_epochs = 0;

  OptimizerConfig optimizer;  // for AE/VAE, and the base of both GAN optimizers
  float lr = 1e-3f;
  float lr_d = 2e-4f, lr_g = 2e-4f;

  Shape sample_shape;  // one input sample: (D) or (C, H, W); from the dataset

  // Where it runs (--device): an option of the run, like --threads, and never part of the
  // saved config text, so a checkpoint loads on any device.
  Device device = Device::kCpu;
};

// Throws UserError naming the first option whose value is out of range or unknown.
void validate(const ModelConfig& c);

}  // namespace latent
