#pragma once
// The networks of every model, built with plain code from the config (no registry).
//   mlp:  Linear + activation per hidden width, mirrored in the decoder.
//   conv: DCGAN-style for any C×H×W: one 4×4 stride-2 convolution per --conv-widths entry down
//         (a side s becomes floor(s/2)), then a linear layer; the decoder mirrors it from
//         ceil(H/2^k)×ceil(W/2^k) with transposed convolutions up, and crops the centre when
//         the sides do not halve evenly, so its output has the data's exact shape; batch norm
//         in the generator/decoder when asked.
#include <memory>

#include "layers/sequential.hpp"
#include "models/model_config.hpp"

namespace latent {

enum class HiddenActivation { kConfigured, kDiscriminator };  // the latter: leaky-relu 0.2

// Input sample → `out_features` (no activation on the output).
std::unique_ptr<Sequential> build_encoder(const ModelConfig& c, int64_t out_features,
                                          HiddenActivation act);
// Input sample → `c.latent` features → activation → `c.num_classes` logits: an encoder with
// one more linear layer; the features (the activation's output, layer size() - 2) are what
// `latent score` compares.
std::unique_ptr<Sequential> build_classifier(const ModelConfig& c);
// `in_features` → one sample's values (logits / linear outputs; no output activation).
std::unique_ptr<Sequential> build_decoder(const ModelConfig& c, int64_t in_features,
                                          bool batchnorm);

// --conv-widths auto: one layer per halving of the smaller side while it stays at least 4
// pixels (28×28: 2 layers, 32×32: 3, 64×64: 4; at least 1), 64 channels doubling per layer up
// to 512 (28×28: 64,128, the DCGAN of MNIST).
std::vector<int64_t> default_conv_widths(const Shape& sample);
// The most stride-2 layers an image of this shape takes: halvings of its smaller side to 1.
size_t most_conv_layers(const Shape& sample);

}  // namespace latent
