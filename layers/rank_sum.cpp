#include "layers/rank_sum.hpp"

#include "runtime/host_staging.hpp"

namespace latent {

void sum_across_ranks(const SumAcrossRanks& sum, Tensor& t, int64_t n) {
  in_host_memory(t, [&](float* values) { sum(values, static_cast<size_t>(n)); });
}

}  // namespace latent
