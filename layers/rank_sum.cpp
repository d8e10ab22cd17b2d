#include "layers/rank_sum.hpp"

#include <vector>

#include "runtime/ops.hpp"

namespace latent {

void sum_across_ranks(const SumAcrossRanks& sum, Tensor& t, int64_t n) {
  if (t.device() == Device::kCpu) {
    sum(t.data(), static_cast<size_t>(n));
    return;
  }
  std::vector<float> host(static_cast<size_t>(t.numel()));
  ops::copy_to_host(t, host.data());
  sum(host.data(), static_cast<size_t>(n));
  ops::copy_from_host(host.data(), t);
}

}  // namespace latent
