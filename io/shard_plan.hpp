#pragma once
// How the positions of an epoch's order are split into steps and ranks.
//
// Step k uses the global batch of positions [k*G, (k+1)*G), G = world * batch_per_rank, and
// rank r takes the contiguous positions [k*G + r*b, k*G + (r+1)*b) of it. Concatenating the
// ranks' batches of a step in rank order gives the global batch, so N ranks with batch b see
// the same samples in the same order as one rank with batch N*b.
//
// When the sample count S is not a multiple of G:
//  - drop_last (the default): an epoch has floor(S/G) steps of full batches; the last S mod G
//    positions of that epoch's order are not used. The order is reshuffled every epoch, so a
//    different set is left out each time.
//  - keep_last: one more step uses the remaining R = S mod G positions, split in rank order as
//    evenly as possible: rank r takes [floor(r*R/world), floor((r+1)*R/world)) of them, so
//    batches differ by at most one sample and are empty on some ranks when R < world. Every
//    sample is then used exactly once per epoch; a model averaging over ranks must weight by
//    global_batch_rows(step).
#include <cstdint>
#include <utility>

namespace latent {

class ShardPlan {
 public:
  ShardPlan() = default;
  ShardPlan(int64_t samples, int64_t batch_per_rank, int world, bool drop_last);

  int64_t steps() const { return steps_; }
  // Positions used per epoch: steps * G with drop_last, all samples otherwise.
  int64_t epoch_samples() const { return epoch_samples_; }
  int64_t global_batch() const { return batch_ * world_; }
  // Rows of step `step` over all ranks.
  int64_t global_batch_rows(int64_t step) const;
  // Positions [first, second) of the epoch order that `rank` takes in step `step`.
  std::pair<int64_t, int64_t> rank_range(int64_t step, int rank) const;
  // The rank that takes position `position` (< epoch_samples()).
  int rank_of(int64_t position) const;

 private:
  int64_t batch_ = 1;
  int world_ = 1;
  int64_t steps_ = 0;
  int64_t epoch_samples_ = 0;
};

}  // namespace latent
