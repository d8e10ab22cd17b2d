#include "io/shard_plan.hpp"

namespace latent {

ShardPlan::ShardPlan(int64_t samples, int64_t batch_per_rank, int world, bool drop_last)
    : batch_(batch_per_rank), world_(world) {
  const int64_t g = global_batch();
  const int64_t full = samples / g;
  if (drop_last || samples % g == 0) {
    steps_ = full;
    epoch_samples_ = full * g;
  } else {
    steps_ = full + 1;
    epoch_samples_ = samples;
  }
}

int64_t ShardPlan::global_batch_rows(int64_t step) const {
  const int64_t g = global_batch();
  return step + 1 < steps_ ? g : epoch_samples_ - step * g;
}

std::pair<int64_t, int64_t> ShardPlan::rank_range(int64_t step, int rank) const {
  const int64_t g = global_batch();
  const int64_t start = step * g;
  const int64_t rows = global_batch_rows(step);
  if (rows == g) return {start + rank * batch_, start + (rank + 1) * batch_};
  return {start + rank * rows / world_, start + (rank + 1) * rows / world_};
}

int ShardPlan::rank_of(int64_t position) const {
  const int64_t step = position / global_batch();
  if (global_batch_rows(step) == global_batch())
    return static_cast<int>((position - step * global_batch()) / batch_);
  int rank = static_cast<int>((position - step * global_batch()) * world_ /
                              global_batch_rows(step));  // about right; correct by a step
  while (rank > 0 && rank_range(step, rank).first > position) --rank;
  while (rank + 1 < world_ && rank_range(step, rank).second <= position) ++rank;
  return rank;
}

}  // namespace latent
