#pragma once
// A tensor's leading elements summed over every rank through a SumAcrossRanks (synchronised
// batch norm, the KL sparsity penalty's global mean activation).
#include "layers/layer.hpp"

namespace latent {

// t[0, n) = Σ over ranks of t[0, n), in place. The communicator reads host memory: a host
// tensor's storage is handed over as it is, a device tensor is staged through the host (a
// device-aware communicator, NCCL, will take device memory directly).
void sum_across_ranks(const SumAcrossRanks& sum, Tensor& t, int64_t n);

}  // namespace latent
