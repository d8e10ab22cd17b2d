#include "launch/world.hpp"

#include <memory>

#include "runtime/device.hpp"

namespace latent {
namespace {
std::unique_ptr<Communicator> the_world;
}

Communicator& world() {
  if (!the_world) {
    the_world = make_communicator();
    // Before any model is made: the GPU of a --device cuda rank follows its rank on the node.
    use_gpu_of_local_rank(the_world->local_rank());
  }
  return *the_world;
}

Communicator* world_if_started() {
  return the_world.get();
}

}  // namespace latent
