#include "io/epoch_order.hpp"

#include <numeric>

#include "runtime/rng.hpp"

namespace latent {

EpochOrder::EpochOrder(const std::vector<int64_t>& block_sizes, int64_t window_samples,
                       uint32_t seed, uint64_t epoch, bool shuffle)
    : seed_(seed), epoch_(epoch), shuffle_(shuffle) {
  blocks_.resize(block_sizes.size());
  std::iota(blocks_.begin(), blocks_.end(), int64_t{0});
  if (shuffle_) {
    for (int64_t i = static_cast<int64_t>(blocks_.size()) - 1; i > 0; --i)
      std::swap(blocks_[i], blocks_[draw(i, i + 1)]);
  }
  int64_t in_window = 0;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    int64_t n = block_sizes[blocks_[i]];
    if (n == 0) continue;
    if (window_start_.empty() || in_window + n > window_samples) {
      window_start_.push_back(static_cast<int64_t>(i));
      window_pos_.push_back(total_);
      in_window = 0;
    }
    in_window += n;
    total_ += n;
  }
  window_start_.push_back(static_cast<int64_t>(blocks_.size()));
  window_pos_.push_back(total_);
}

std::vector<int64_t> EpochOrder::window_blocks(int64_t w) const {
  return std::vector<int64_t>(blocks_.begin() + window_start_[w],
                              blocks_.begin() + window_start_[w + 1]);
}

uint64_t EpochOrder::draw(uint64_t element, uint64_t bound) const {
  // 64 random bits modulo a bound below 2^40: the bias is under 2^-24.
  return CounterRng(seed_, kStreamShuffle).bits(epoch_, element) % bound;
}

}  // namespace latent
