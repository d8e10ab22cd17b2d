#include "models/model_kinds.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "io/label_range.hpp"
#include "models/architectures.hpp"
#include "models/kinds.hpp"
#include "models/option_values.hpp"
#include "runtime/error.hpp"
#include "runtime/machine_memory.hpp"

namespace latent {
namespace {

// The table. Traits left out keep ModelTraits' defaults.
const std::vector<ModelKind>& table() {
  static const std::vector<ModelKind> kinds = {
      {"ae", "undercomplete autoencoder: features, compression, anomaly scores",
       autoencoder_options, validate_autoencoder, make_autoencoder,
       ModelTraits().encodes().decodes().scores_anomalies()},
      {"sparse-ae", "autoencoder whose code is mostly zero (an L1 or KL penalty on it)",
       sparse_autoencoder_options, validate_sparse_autoencoder, make_sparse_autoencoder,
       ModelTraits().encodes().decodes().scores_anomalies()},
      {"denoising-ae", "autoencoder that reconstructs clean data from a corrupted input",
       denoising_autoencoder_options, validate_denoising_autoencoder, make_denoising_autoencoder,
       ModelTraits().encodes().decodes().scores_anomalies()},
      {"vae", "variational autoencoder: generation from the prior, a smooth latent space",
       vae_options, validate_vae, make_vae,
       ModelTraits().encodes().decodes().generates().scores_anomalies().bounds_likelihood(),
       "cvae"},
      {"cvae", "conditional VAE: the class joins both networks; generates a requested class",
       conditional_vae_options, validate_conditional_vae, make_conditional_vae,
       ModelTraits()
           .trains_on_labels()
           .conditional()
           .encodes()
           .decodes()
           .generates()
           .scores_anomalies()
           .bounds_likelihood()},
      {"gan", "generative adversarial network: a generator and a discriminator in alternation",
       gan_options, validate_gan, make_gan,
       ModelTraits()
           .decodes()
           .generates()
           .data_in_unit_interval(UnitData::kAlways)
           .adam_beta1_default(0.5f),
       "cgan"},
      {"cgan", "conditional GAN: G and D both take the class; generates a requested class",
       conditional_gan_options, validate_conditional_gan, make_conditional_gan,
       ModelTraits()
           .trains_on_labels()
           .conditional()
           .decodes()
           .generates()
           .data_in_unit_interval(UnitData::kAlways)
           .adam_beta1_default(0.5f)},
      {"classifier", "supervised classifier on the data's labels: the judge of generated samples",
       classifier_options, validate_classifier, make_classifier,
       ModelTraits().trains_on_labels().draws_no_images().classifies().data_in_unit_interval(
           UnitData::kNever)},
  };
  return kinds;
}

void set_kind(ModelConfig& c, const std::string& v) {
  c.kind = v;
}

const std::vector<ModelOption> kShared = {
    {"model", "vae", "", set_kind},  // help: model_kind_names(), filled in by the parser
    {"arch", "mlp", "mlp | conv (DCGAN-style; image data with H, W divisible by 4)",
     [](ModelConfig& c, const std::string& v) { c.arch = v; }},
    {"hidden", "400", "mlp hidden widths, encoder order, e.g. 400,200",
     [](ModelConfig& c, const std::string& v) { c.hidden = option_int_list("hidden", v); }},
    {"conv-widths", "auto",
     "conv channels, one stride-2 layer each, e.g. 64,128,256 (auto: from the image size; "
     "64,128 for 28x28, 64,128,256 for 32x32, 4 layers for 64x64)",
     [](ModelConfig& c, const std::string& v) {
       c.conv_widths = v == "auto" ? std::vector<int64_t>{} : option_int_list("conv-widths", v);
     }},
    {"latent", "20", "code / latent size (classifier: its features)",
     [](ModelConfig& c, const std::string& v) { c.latent = option_int("latent", v); }},
    {"activation", "relu", "hidden activation: relu | leaky-relu | tanh | sigmoid | linear",
     [](ModelConfig& c, const std::string& v) { c.activation = v; }},
    {"optimizer", "adam", "adam | sgd",
     [](ModelConfig& c, const std::string& v) { c.optimizer.kind = v; }},
    {"momentum", "0.9", "sgd momentum",
     [](ModelConfig& c, const std::string& v) {
       c.optimizer.momentum = option_float("momentum", v);
     }},
    // The kind's own default (0.5 for a GAN, as DCGAN trains): the kind is applied first.
    {"adam-beta1", "auto", "Adam β1 (auto: the kind's; 0.5 for gan, 0.9 otherwise)",
     [](ModelConfig& c, const std::string& v) {
       c.optimizer.beta1 =
           v == "auto" ? model_kind(c.kind).traits.adam_beta1 : option_float("adam-beta1", v);
     }},
    {"adam-beta2", "0.999", "Adam β2",
     [](ModelConfig& c, const std::string& v) {
       c.optimizer.beta2 = option_float("adam-beta2", v);
     }},
    {"weight-decay", "0", "L2 weight decay",
     [](ModelConfig& c, const std::string& v) {
       c.optimizer.weight_decay = option_float("weight-decay", v);
     }},
};

std::string join(const std::vector<int64_t>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s;
}

bool one_of(const std::string& v, std::set<std::string> allowed) {
  return allowed.count(v) > 0;
}

// Weights of encoder and decoder (or generator and discriminator), roughly: enough to refuse a
// model that cannot fit before allocating it, with the options that size it named.
void require_fits_in_memory(const ModelConfig& c) {
  const Shape& s = c.sample_shape;
  if (s.rank() == 0) return;
  double params = 0;
  std::string options;
  if (c.arch == "conv" && s.rank() == 3 && !c.conv_widths.empty()) {
    // Encoder and decoder alike: the convolutions, and the linear layer at the bottom (taken
    // at the decoder's rounded-up sides).
    double channels = static_cast<double>(s[0]), h = static_cast<double>(s[1]),
           w = static_cast<double>(s[2]);
    for (int64_t width : c.conv_widths) {
      params += 2 * channels * static_cast<double>(width) * 16;
      channels = static_cast<double>(width), h = std::ceil(h / 2), w = std::ceil(w / 2);
    }
    params += 2 * channels * h * w * static_cast<double>(c.latent);
    options = "--conv-widths " + join(c.conv_widths) + " --latent " + std::to_string(c.latent);
  } else {
    std::vector<double> chain{static_cast<double>(s.numel())};
    for (int64_t h : c.hidden) chain.push_back(static_cast<double>(h));
    chain.push_back(static_cast<double>(c.latent));
    for (size_t i = 0; i + 1 < chain.size(); ++i) params += 2 * chain[i] * chain[i + 1];
    options = "--hidden " + join(c.hidden) + " --latent " + std::to_string(c.latent);
  }
  if (model_kind(c.kind).traits.needs_labels) {  // a logit (or an input) per class
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

// A conv stack needs images, and sides that halve once per layer.
void validate_conv_stack(const ModelConfig& c) {
  const Shape& s = c.sample_shape;
  if (s.rank() == 0) return;  // no data yet (a config checked on its own)
  require_option(s.rank() == 3, "arch", "conv",
                 "image data (N, C, H, W); the data has samples " + s.str() + " (use --arch mlp)");
  const size_t most = most_conv_layers(s);
  const size_t layers =
      c.conv_widths.empty() ? default_conv_widths(s).size() : c.conv_widths.size();
  require_option(layers >= 1 && layers <= most, "conv-widths", join(c.conv_widths),
                 "at most " + std::to_string(most) + " stride-2 layers for images of " +
                     std::to_string(s[1]) + "x" + std::to_string(s[2]) +
                     " (each halves the sides; the smaller side, " +
                     std::to_string(std::min(s[1], s[2])) + ", halves " + std::to_string(most) +
                     " times before it reaches 1)");
}

void validate_shared(const ModelConfig& c) {
  require_option(one_of(c.arch, {"mlp", "conv"}), "arch", c.arch, "mlp or conv");
  require_option(c.latent > 0, "latent", std::to_string(c.latent), "a positive size");
  for (int64_t h : c.hidden) require_option(h > 0, "hidden", std::to_string(h), "positive widths");
  for (int64_t w : c.conv_widths)
    require_option(w > 0, "conv-widths", std::to_string(w), "positive channel counts");
  require_option(one_of(c.activation, {"relu", "leaky-relu", "tanh", "sigmoid", "linear"}),
                 "activation", c.activation, "relu, leaky-relu, tanh, sigmoid or linear");
  require_option(one_of(c.optimizer.kind, {"adam", "sgd"}), "optimizer", c.optimizer.kind,
                 "adam or sgd");
  const OptimizerConfig& o = c.optimizer;
  require_option(o.momentum >= 0 && o.momentum < 1, "momentum", std::to_string(o.momentum),
                 "[0, 1)");
  require_option(o.beta1 >= 0 && o.beta1 < 1, "adam-beta1", std::to_string(o.beta1), "[0, 1)");
  require_option(o.beta2 >= 0 && o.beta2 < 1, "adam-beta2", std::to_string(o.beta2), "[0, 1)");
  require_option(o.weight_decay >= 0, "weight-decay", std::to_string(o.weight_decay), ">= 0");
}

}  // namespace

ModelOption ema_option() {
  return {"ema-half-life", "0",
          "generate from an exponential moving average of the generator's weights whose "
          "half-life is this many samples seen (e.g. 10000; 0: none)",
          [](ModelConfig& c, const std::string& v) {
            c.ema_half_life = option_number("ema-half-life", v);
          }};
}

void validate_ema(const ModelConfig& c) {
  require_option(c.ema_half_life >= 0 && std::isfinite(c.ema_half_life), "ema-half-life",
                 std::to_string(c.ema_half_life), "samples >= 0 (0: no average)");
}

ModelOption num_classes_option() {
  return {"num-classes", "auto",
          "classes, labels 0..N-1 (auto: 1 + the largest label in --data's labels)",
          [](ModelConfig& c, const std::string& v) {
            c.num_classes = v == "auto" ? 0 : option_int("num-classes", v);
          }};
}

void validate_num_classes(const ModelConfig& c) {
  require_option(c.num_classes >= 2 && c.num_classes <= kMaxClasses, "num-classes",
                 std::to_string(c.num_classes), "2 to " + std::to_string(kMaxClasses) + " classes");
}

const std::vector<ModelKind>& model_kinds() {
  return table();
}

std::string model_kind_names(const char* separator) {
  std::string names;
  for (const ModelKind& k : table())
    names += (names.empty() ? "" : separator) + std::string(k.name);
  return names;
}

const ModelKind& model_kind(const std::string& name) {
  for (const ModelKind& k : table())
    if (name == k.name) return k;
  std::string list;
  for (size_t i = 0; i < table().size(); ++i)
    list += (i == 0 ? "" : i + 1 == table().size() ? " or " : ", ") + std::string(table()[i].name);
  throw UserError("--model " + name + ": expected " + list);
}

std::string kinds_with(bool ModelTraits::*trait) {
  std::vector<std::string> names;
  for (const ModelKind& k : table())
    if (k.traits.*trait) names.push_back(k.name);
  std::string out;
  for (size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return out;
}

const std::vector<ModelOption>& shared_model_options() {
  return kShared;
}

std::vector<ModelOption> options_of(const ModelKind& kind) {
  std::vector<ModelOption> all = kShared;
  for (const ModelOption& o : kind.options()) all.push_back(o);
  return all;
}

bool is_model_option(const std::string& name) {
  for (const ModelOption& o : kShared)
    if (name == o.name) return true;
  for (const ModelKind& k : table())
    for (const ModelOption& o : k.options())
      if (name == o.name) return true;
  return false;
}

void validate(const ModelConfig& c) {
  const ModelKind& kind = model_kind(c.kind);
  validate_shared(c);
  kind.validate(c);
  require_fits_in_memory(c);
  if (c.arch == "conv") validate_conv_stack(c);
}

std::unique_ptr<Model> make_model(const ModelConfig& config, uint32_t seed) {
  validate(config);
  if (config.arch != "conv" || !config.conv_widths.empty())
    return model_kind(config.kind).make(config, seed);
  ModelConfig resolved = config;  // --conv-widths auto, decided by the image size
  resolved.conv_widths = default_conv_widths(config.sample_shape);
  return model_kind(config.kind).make(resolved, seed);
}

}  // namespace latent
