#pragma once
// The choices a GPU rank makes from what its node holds, as pure functions (tested on any
// machine; runtime/cuda/ and models/join_ranks.cpp apply them): which GPU a rank takes, and
// whether its gradients go through NCCL or through the MPI collectives.
#include <string>

namespace latent {

// The GPU of the rank with index `local_rank` on its node among `visible_gpus` (> 0): one GPU
// per rank while there are enough, ranks beyond them wrap round and share.
int gpu_of_local_rank(int local_rank, int visible_gpus);

enum class GradientTransport { kNccl, kMpi };

struct TransportChoice {
  GradientTransport transport = GradientTransport::kMpi;
  std::string note;  // why the request was not followed, in one line; empty when it was
};

// How GPU ranks sum gradients when `requested` (--comm) and the node with the most ranks per GPU
// runs `local_ranks` ranks on `visible_gpus` GPUs. NCCL refuses two ranks on one GPU: then a
// default request falls back to MPI with a note, and one the user gave (`insisted`) is refused
// with a UserError saying what would work.
TransportChoice choose_gradient_transport(GradientTransport requested, bool insisted,
                                          int local_ranks, int visible_gpus);

}  // namespace latent
