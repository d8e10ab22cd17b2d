// Every random stream a model uses is its own: distinct ids, no shared runs of numbers, and the
// initial weights of any two layers uncorrelated at every shift. (Streams once shared a counter
// word with the element block, so a VAE's decoder weights were a shifted copy of its encoder's.)
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "models/model.hpp"
#include "runtime/philox.hpp"

namespace latent {
namespace {

ModelConfig config(const std::string& kind, const std::string& arch) {
  ModelConfig c;
  c.kind = kind;
  c.arch = arch;
  c.hidden = {400};
  c.latent = 20;
  c.sample_shape = Shape{1, 28, 28};
  c.gan.g_steps = 3;
  c.gan.pretrain_epochs = 1;  // the GAN builds its pretraining encoder too
  return c;
}

// The DCGAN with its pretraining encoder: the model with the most streams.
std::vector<StreamId> streams_of_largest_model() {
  std::vector<StreamId> all = make_model(config("gan", "conv"), 1)->random_streams();
  all.push_back(kStreamShuffle);
  all.push_back(kStreamHoldout);
  return all;
}

TEST(RandomStreams, EveryModelStreamIsDistinct) {
  for (auto [kind, arch] : {std::pair{"vae", "mlp"},
                            {"ae", "conv"},
                            {"gan", "mlp"},
                            {"gan", "conv"},
                            {"denoising-ae", "mlp"}}) {
    auto model = make_model(config(kind, arch), 1);
    auto streams = model->random_streams();
    streams.push_back(kStreamShuffle);
    streams.push_back(kStreamHoldout);
    std::set<StreamId> unique(streams.begin(), streams.end());
    EXPECT_EQ(unique.size(), streams.size()) << kind << " " << arch;
    EXPECT_GT(streams.size(), 8u) << kind << " " << arch;
  }
}

// The first 10^6 words of every stream. Random 32-bit words collide by the birthday bound
// (about T²/2^33 pairs among T words), so single words are compared with that expectation, and
// 64-bit pairs must not repeat at all; overlapping streams would share ~10^6 of each.
TEST(RandomStreams, NoTwoStreamsShareTheirNumbers) {
  const std::vector<StreamId> streams = streams_of_largest_model();
  ASSERT_LT(streams.size(), 256u);
  const uint32_t blocks = 250000;      // 4 words each
  std::vector<uint64_t> words, pairs;  // words: value << 8 | stream number
  for (uint32_t s = 0; s < streams.size(); ++s) {
    CounterRng rng(7, streams[s]);
    for (uint32_t b = 0; b < blocks; ++b) {
      uint32_t w[4];
      rng.raw_block(0, b, philox::kUniform, w);
      for (int i = 0; i < 4; ++i) words.push_back((uint64_t{w[i]} << 8) | s);
      pairs.push_back((uint64_t{w[0]} << 32) | w[1]);
      pairs.push_back((uint64_t{w[2]} << 32) | w[3]);
    }
  }
  std::sort(words.begin(), words.end());
  int64_t shared_words = 0;
  for (size_t i = 1; i < words.size(); ++i)
    shared_words += (words[i] >> 8) == (words[i - 1] >> 8) && words[i] != words[i - 1];
  std::sort(pairs.begin(), pairs.end());
  int64_t repeated_pairs = 0;
  for (size_t i = 1; i < pairs.size(); ++i) repeated_pairs += pairs[i] == pairs[i - 1];

  const double t = static_cast<double>(words.size());
  const double expected = t * t / 2 * (1.0 - 1.0 / streams.size()) / 4294967296.0;
  EXPECT_LT(shared_words, 1.3 * expected) << streams.size() << " streams";
  EXPECT_GT(shared_words, 0.7 * expected) << "the words are not uniform";
  EXPECT_EQ(repeated_pairs, 0);
}

// Pearson correlation of a[i] and b[i + shift] over the overlap.
double correlation(const float* a, int64_t na, const float* b, int64_t nb, int64_t shift) {
  int64_t begin = std::max<int64_t>(0, -shift), end = std::min(na, nb - shift);
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0, n = static_cast<double>(end - begin);
  for (int64_t i = begin; i < end; ++i) {
    double x = a[i], y = b[i + shift];
    sa += x, sb += y, saa += x * x, sbb += y * y, sab += x * y;
  }
  double cov = sab / n - sa / n * sb / n;
  return cov / std::sqrt((saa / n - sa / n * sa / n) * (sbb / n - sb / n * sb / n));
}

// A shared stream shows as a correlation near 1 at some shift. Independent weights correlate by
// chance at about 1/√overlap: layers of at least 8,000 weights are held to 0.05, smaller ones
// (a 400-weight output layer) to 0.5.
TEST(RandomStreams, InitialWeightsOfAnyTwoLayersAreUncorrelatedAtEveryShift) {
  for (auto [kind, arch] : {std::pair{"vae", "mlp"}, {"gan", "mlp"}, {"gan", "conv"}}) {
    auto model = make_model(config(kind, arch), 1);
    std::vector<const Tensor*> weights;
    std::vector<std::string> names;
    for (Network* net : model->networks())
      for (const auto& e : net->store().entries())
        if (e.param->name == "weight") {
          weights.push_back(&e.param->value);
          names.push_back(net->name() + "/" + e.name);
        }
    ASSERT_GE(weights.size(), 4u);
    for (size_t i = 0; i < weights.size(); ++i)
      for (size_t j = i + 1; j < weights.size(); ++j) {
        // The first 20,000 elements at shifts of up to ±256 (the overlap bug's shift was 4).
        int64_t na = std::min<int64_t>(weights[i]->numel(), 20000);
        int64_t nb = std::min<int64_t>(weights[j]->numel(), 20000);
        int64_t max_shift = std::min<int64_t>(256, std::min(na, nb) / 2);
        double bound = std::min(na, nb) >= 8000 ? 0.05 : 0.5, worst = 0;
        for (int64_t shift = -max_shift; shift <= max_shift; ++shift)
          worst = std::max(
              worst, std::abs(correlation(weights[i]->data(), na, weights[j]->data(), nb, shift)));
        EXPECT_LT(worst, bound) << kind << " " << arch << ": " << names[i] << " vs " << names[j];
      }
  }
}

}  // namespace
}  // namespace latent
