# The facts `latent --version` prints that only the build knows (runtime/build_info.cpp): the
# version and build type when CMake configures, the git commit at every build.
set(LATENT_GENERATED_DIR "${CMAKE_CURRENT_BINARY_DIR}/generated")
set(LATENT_BUILD_DESCRIPTION "${CMAKE_BUILD_TYPE}")
if(NOT LATENT_SANITIZE STREQUAL "")
  string(APPEND LATENT_BUILD_DESCRIPTION ", sanitize=${LATENT_SANITIZE}")
endif()
configure_file(cmake/latent_build_config.h.in "${LATENT_GENERATED_DIR}/latent_build_config.h" @ONLY)
add_custom_target(latent_git_commit
  COMMAND "${CMAKE_COMMAND}" "-DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR}"
          "-DOUTPUT=${LATENT_GENERATED_DIR}/latent_git_commit.h"
          -P "${CMAKE_CURRENT_SOURCE_DIR}/cmake/latent_git_commit.cmake"
  BYPRODUCTS "${LATENT_GENERATED_DIR}/latent_git_commit.h"
  VERBATIM)
add_dependencies(latent_runtime latent_git_commit)
# Only build_info.cpp sees the generated headers, so a new commit recompiles that file alone.
set_source_files_properties(runtime/build_info.cpp PROPERTIES
  INCLUDE_DIRECTORIES "${LATENT_GENERATED_DIR}"
  OBJECT_DEPENDS "${LATENT_GENERATED_DIR}/latent_git_commit.h;${LATENT_GENERATED_DIR}/latent_build_config.h")
