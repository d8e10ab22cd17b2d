#pragma once
// Everything that defines a model: its kind, the networks every kind has, and one section per
// kind for the options only that kind takes (models/model_kinds.hpp lists which options belong
// to which kind; a kind's validation sees its own section). Parsed from the command line / INI
// by launch/ through the option rows of the kinds table.
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/device.hpp"
#include "runtime/ops.hpp"
#include "runtime/optimizer.hpp"
#include "runtime/shape.hpp"

namespace latent {

// sparse-ae: the penalty on the code's activations.
struct SparsityOptions {
  std::string penalty = "l1";  // l1 (λ Σ|a|) | kl (Bernoulli KL to the target rate)
  float weight = 1e-3f;        // λ (l1) or w (kl)
  float target = 0.05f;        // kl: the target rate ρ
};

// denoising-ae: the corruption of the input.
struct CorruptionOptions {
  std::string noise = "gaussian";  // gaussian | masking | salt-pepper
  float level = 0.3f;              // σ (gaussian) or a probability (masking, salt-pepper)
};

struct VaeOptions {
  float beta = 1.0f;  // weight of the KL term
};

struct GanOptions {
  std::string loss = "bce";  // bce | hinge
  int d_steps = 1, g_steps = 1;
  float label_smoothing = 0.0f;  // real target 1 - s
  int pretrain_epochs = 0;       // G first trained as an autoencoder's decoder
  float lr_d = 2e-4f, lr_g = 2e-4f;
};

struct ModelConfig {
  std::string kind = "vae";  // a row of models/model_kinds.hpp

  // Every kind: the networks and their optimizer.
  std::string arch = "mlp";             // mlp | conv
  std::vector<int64_t> hidden = {400};  // mlp hidden widths (encoder order)
  // conv channels, one stride-2 layer each (encoder / discriminator order); empty: chosen from
  // the image size (models/architectures.hpp default_conv_widths: 64,128 for 28×28)
  std::vector<int64_t> conv_widths;
  int64_t latent = 20;
  std::string activation = "relu";  // relu | leaky-relu | tanh | sigmoid | linear
  OptimizerConfig optimizer;        // for every network (a GAN's two take their own rates)

  // The options of some kinds (models/model_kinds.cpp says whose).
  std::string recon = "bce";  // the autoencoders, vae: bce (logits, data in [0,1]) | mse
  float lr = 1e-3f;           // every kind but gan (which has lr_d, lr_g)
  // The kinds that train on labels: classes 0..num_classes-1 (0: resolved from the training
  // file's labels before the model is made).
  int64_t num_classes = 0;
  // The kinds that generate: the half-life, in samples seen, of the exponential moving average
  // of the generating network's weights (0: none). Generation uses the average by default.
  double ema_half_life = 0;
  SparsityOptions sparsity;
  CorruptionOptions corruption;
  VaeOptions vae;
  GanOptions gan;

  Shape sample_shape;  // one input sample: (D) or (C, H, W); from the dataset

  // Where it runs (--device): an option of the run, like --threads, and never part of the
  // saved config text, so a checkpoint loads on any device.
  Device device = Device::kCpu;
  // How the networks multiply (--precision, --tf32): a training option of the run, saved with
  // its config and free to change on resume (it changes rounding only).
  ops::Math math = ops::Math::kFp32;
};

}  // namespace latent
