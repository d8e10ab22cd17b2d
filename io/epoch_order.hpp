#pragma once
// The order in which one epoch visits the samples, the same on every rank.
//
// Samples are grouped in blocks: runs of consecutive file rows aligned to the HDF5 chunking,
// so a block is read with one chunk-aligned hyperslab. An epoch
//   1. permutes the blocks (Fisher-Yates keyed by (seed, epoch)),
//   2. cuts the permuted blocks into windows: consecutive blocks holding at most
//      `window_samples` samples (at least one block), the unit the prefetch buffer holds,
//   3. shuffles the samples inside each window (keyed by (seed, epoch, window start)).
// The order is a pure function of (block sizes, window_samples, seed, epoch): the number of
// ranks and the batch size do not enter it. Without shuffling, blocks and samples stay in file
// order.
#include <cstdint>
#include <utility>
#include <vector>

namespace latent {

class EpochOrder {
 public:
  // block_sizes[b]: samples (after label filtering) in block b.
  EpochOrder(const std::vector<int64_t>& block_sizes, int64_t window_samples, uint32_t seed,
             uint64_t epoch, bool shuffle);

  int64_t num_samples() const { return total_; }
  int64_t num_windows() const { return static_cast<int64_t>(window_start_.size()) - 1; }
  // Blocks of window w, in visiting order.
  std::vector<int64_t> window_blocks(int64_t w) const;
  // Where window w's first block is in the epoch's block order (its blocks follow it).
  int64_t window_first_block(int64_t w) const { return window_start_[w]; }
  // Position in the epoch of the window's first sample, and its sample count.
  int64_t window_begin(int64_t w) const { return window_pos_[w]; }
  int64_t window_size(int64_t w) const { return window_pos_[w + 1] - window_pos_[w]; }
  // Shuffles the window's n samples (given in block order) in place.
  template <typename T>
  void shuffle_window(int64_t w, T* samples, int64_t n) const;

 private:
  uint64_t draw(uint64_t element, uint64_t bound) const;  // uniform in [0, bound)

  uint32_t seed_;
  uint64_t epoch_;
  bool shuffle_;
  int64_t total_ = 0;
  std::vector<int64_t> blocks_;        // permuted block ids
  std::vector<int64_t> window_start_;  // index into blocks_, one past the end last
  std::vector<int64_t> window_pos_;    // position of each window's first sample
};

template <typename T>
void EpochOrder::shuffle_window(int64_t w, T* samples, int64_t n) const {
  if (!shuffle_) return;
  // Element numbers past the block permutation's, distinct for every position in the epoch.
  const uint64_t base = blocks_.size() + static_cast<uint64_t>(window_pos_[w]);
  for (int64_t i = n - 1; i > 0; --i) {
    int64_t j = static_cast<int64_t>(draw(base + i, static_cast<uint64_t>(i) + 1));
    std::swap(samples[i], samples[j]);
  }
}

}  // namespace latent
