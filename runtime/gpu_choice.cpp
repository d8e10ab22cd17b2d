#include "runtime/gpu_choice.hpp"

#include <stdexcept>

#include "runtime/error.hpp"

namespace latent {

int gpu_of_local_rank(int local_rank, int visible_gpus) {
  if (visible_gpus < 1) throw std::invalid_argument("gpu_of_local_rank: no GPU is visible");
  if (local_rank < 0) throw std::invalid_argument("gpu_of_local_rank: a negative local rank");
  return local_rank % visible_gpus;
}

TransportChoice choose_gradient_transport(GradientTransport requested, bool insisted,
                                          int local_ranks, int visible_gpus) {
  if (requested == GradientTransport::kMpi || local_ranks <= visible_gpus) return {requested, ""};
  const std::string crowded = std::to_string(local_ranks) + " ranks on a node with " +
                              std::to_string(visible_gpus) + " GPU" +
                              (visible_gpus == 1 ? "" : "s");
  if (insisted)
    throw UserError("--comm nccl: " + crowded +
                    "; NCCL needs a GPU of its own for each rank (run at most " +
                    std::to_string(visible_gpus) +
                    " ranks per node, or --comm mpi, which lets ranks share a GPU)");
  return {GradientTransport::kMpi,
          "--comm nccl: " + crowded +
              ", and NCCL needs a GPU of its own for each rank: gradients are summed with the "
              "MPI collectives through host copies instead (--comm mpi)"};
}

}  // namespace latent
