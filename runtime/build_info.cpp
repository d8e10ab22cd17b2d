#include "runtime/build_info.hpp"

// Generated in the build folder: LATENT_VERSION_STRING and LATENT_BUILD_TYPE when CMake
// configures, LATENT_GIT_COMMIT at every build (cmake/latent_git_commit.cmake).
#include "latent_build_config.h"
#include "latent_git_commit.h"

namespace latent {

std::string latent_version() {
  return LATENT_VERSION_STRING;
}

std::string latent_commit() {
  return LATENT_GIT_COMMIT;
}

std::string version_line() {
  std::string line = "latent " + latent_version() + " (commit " + latent_commit() + ", " +
                     LATENT_BUILD_TYPE + "), " + onednn_info() + ", " + mpi_library_info() + ", ";
#ifdef LATENT_WITH_CUDA
  line += cuda_info();
#else
  line += "CPU only";
#endif
  return line;
}

}  // namespace latent
