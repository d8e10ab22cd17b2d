#pragma once
// The networks of every model, built with plain code from the config (no registry).
//   mlp:  Linear + activation per hidden width, mirrored in the decoder.
//   conv: DCGAN for 28×28 (or any H, W divisible by 4): strided 4×4 convolutions down,
//         transposed convolutions up; batch norm in the generator/decoder when asked.
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

}  // namespace latent
