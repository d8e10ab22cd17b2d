#include "models/architectures.hpp"

#include <algorithm>

#include "layers/activation.hpp"
#include "layers/batchnorm.hpp"
#include "layers/conv2d.hpp"
#include "layers/crop.hpp"
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

// A side after `layers` 4x4 stride-2 convolutions with padding 1: each takes s to floor(s / 2).
int64_t halved(int64_t side, size_t layers) {
  for (size_t i = 0; i < layers; ++i) side /= 2;
  return side;
}

// A decoder's starting side: ceil(side / 2^layers), so that its `layers` doublings reach at
// least `side` (the excess is cropped).
int64_t start_side(int64_t side, size_t layers) {
  const int64_t step = int64_t{1} << layers;
  return (side + step - 1) / step;
}

}  // namespace

std::unique_ptr<Sequential> build_encoder(const ModelConfig& c, int64_t out_features,
                                          HiddenActivation act) {
  auto net = std::make_unique<Sequential>();
  const Shape& s = c.sample_shape;
  if (c.arch == "conv") {
    const std::vector<int64_t> widths =
        c.conv_widths.empty() ? default_conv_widths(s) : c.conv_widths;
    int64_t channels = s[0];
    for (int64_t w : widths) {
      net->add(channels_last<Conv2d>(channels, w)).add(hidden_activation(c, act));
      channels = w;
    }
    net->add(make_flatten())
        .emplace<Linear>(channels * halved(s[1], widths.size()) * halved(s[2], widths.size()),
                         out_features);
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
    const std::vector<int64_t> widths =
        c.conv_widths.empty() ? default_conv_widths(s) : c.conv_widths;
    const size_t k = widths.size();
    const int64_t h = start_side(s[1], k), w = start_side(s[2], k), top = widths.back();
    net->emplace<Linear>(in_features, top * h * w);
    if (batchnorm) net->emplace<BatchNorm>(top * h * w);
    net->add(hidden_activation(c, HiddenActivation::kConfigured));
    net->emplace<Reshape>(std::vector<int64_t>{top, h, w});
    for (size_t i = k - 1; i > 0; --i) {
      net->add(channels_last<ConvTranspose2d>(widths[i], widths[i - 1]));
      if (batchnorm) net->emplace<BatchNorm>(widths[i - 1]);
      net->add(hidden_activation(c, HiddenActivation::kConfigured));
    }
    net->emplace<ConvTranspose2d>(widths.front(), s[0], 4, 2, 1);
    // Sides that do not halve evenly come out up to 2^k - 1 pixels larger: the centre is kept.
    if (h << k != s[1] || w << k != s[2]) net->emplace<Crop2d>(s[1], s[2]);
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

std::vector<int64_t> default_conv_widths(const Shape& sample) {
  int64_t side = std::min(sample[1], sample[2]);
  size_t layers = 0;
  while (side / 2 >= 4) side /= 2, ++layers;
  std::vector<int64_t> widths;
  for (size_t i = 0; i < std::max<size_t>(layers, 1); ++i)
    widths.push_back(std::min<int64_t>(512, int64_t{64} << i));
  return widths;
}

size_t most_conv_layers(const Shape& sample) {
  size_t layers = 0;
  for (int64_t side = std::min(sample[1], sample[2]); side >= 2; side /= 2) ++layers;
  return layers;
}

}  // namespace latent
