#include "models/architectures.hpp"

#include "layers/activation.hpp"
#include "layers/batchnorm.hpp"
#include "layers/conv2d.hpp"
#include "layers/linear.hpp"
#include "layers/reshape.hpp"

namespace latent {
namespace {

std::unique_ptr<Layer> hidden_activation(const ModelConfig& c, HiddenActivation act) {
  if (act == HiddenActivation::kDiscriminator)
    return std::make_unique<Activation>(ops::Activation::kLeakyRelu, 0.2f);
  return std::make_unique<Activation>(parse_activation(c.activation), 0.2f);
}

// Hidden convolution layers keep their outputs channels-last: the CPU's convolution, batch norm
// and activation kernels then run on them with no reorders in between (bench/RESULTS.md). The
// model's output layer stays nchw, like the data.
template <class Conv>
std::unique_ptr<Layer> channels_last(int64_t in, int64_t out) {
  auto layer = std::make_unique<Conv>(in, out, 4, 2, 1);
  layer->set_channels_last(true);
  return layer;
}

}  // namespace

std::unique_ptr<Sequential> build_encoder(const ModelConfig& c, int64_t out_features,
                                          HiddenActivation act) {
  auto net = std::make_unique<Sequential>();
  const Shape& s = c.sample_shape;
  if (c.arch == "conv") {
    int64_t w1 = c.conv_widths[0], w2 = c.conv_widths[1];
    net->add(channels_last<Conv2d>(s[0], w1)).add(hidden_activation(c, act));
    net->add(channels_last<Conv2d>(w1, w2)).add(hidden_activation(c, act));
    net->add(make_flatten()).emplace<Linear>(w2 * (s[1] / 4) * (s[2] / 4), out_features);
    return net;
  }
  int64_t width = s.numel();
  for (int64_t h : c.hidden) {
    net->emplace<Linear>(width, h).add(hidden_activation(c, act));
    width = h;
  }
  net->emplace<Linear>(width, out_features);
  return net;
}

std::unique_ptr<Sequential> build_classifier(const ModelConfig& c) {
  auto net = build_encoder(c, c.latent, HiddenActivation::kConfigured);
  net->add(hidden_activation(c, HiddenActivation::kConfigured));
  net->emplace<Linear>(c.latent, c.num_classes);
  return net;
}

std::unique_ptr<Sequential> build_decoder(const ModelConfig& c, int64_t in_features,
                                          bool batchnorm) {
  auto net = std::make_unique<Sequential>();
  const Shape& s = c.sample_shape;
  if (c.arch == "conv") {
    int64_t w1 = c.conv_widths[0], w2 = c.conv_widths[1], h = s[1] / 4, w = s[2] / 4;
    net->emplace<Linear>(in_features, w2 * h * w);
    if (batchnorm) net->emplace<BatchNorm>(w2 * h * w);
    net->add(hidden_activation(c, HiddenActivation::kConfigured));
    net->emplace<Reshape>(std::vector<int64_t>{w2, h, w});
    net->add(channels_last<ConvTranspose2d>(w2, w1));
    if (batchnorm) net->emplace<BatchNorm>(w1);
    net->add(hidden_activation(c, HiddenActivation::kConfigured));
    net->emplace<ConvTranspose2d>(w1, s[0], 4, 2, 1);
    return net;
  }
  int64_t width = in_features;
  for (size_t i = c.hidden.size(); i-- > 0;) {
    net->emplace<Linear>(width, c.hidden[i]);
    if (batchnorm) net->emplace<BatchNorm>(c.hidden[i]);
    net->add(hidden_activation(c, HiddenActivation::kConfigured));
    width = c.hidden[i];
  }
  net->emplace<Linear>(width, s.numel());
  return net;
}

}  // namespace latent
