#include "launch/world.hpp"

#include <memory>

namespace latent {
namespace {
std::unique_ptr<Communicator> the_world;
}

Communicator& world() {
  if (!the_world) the_world = make_communicator();
  return *the_world;
}

Communicator* world_if_started() {
  return the_world.get();
}

}  // namespace latent
