# Installing latent like cluster software (README "Install"):
#   cmake --install build --prefix P     the program, its example configs and Slurm script, a
#                                        module file, and a CMake package for C++ programs
#   cd build && cpack -G DEB             the same as Debian packages: latent and latent-dev
# Components: `runtime` (what `latent` users need) and `dev` (headers, static libraries and
# the CMake package: find_package(latent) gives latent::runtime, latent::layers, latent::io,
# latent::models and latent::launch).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The program. latent's own libraries are static, so the installed program needs nothing from
# the build folder; its RPATH names the folders of the shared libraries it was linked with that
# the loader would not search by itself (a CUDA toolkit in /usr/local/cuda, a oneDNN or MPI
# built by hand), so it also runs where those are not in ld.so.conf.
set_target_properties(latent PROPERTIES INSTALL_RPATH_USE_LINK_PATH TRUE)
install(TARGETS latent RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(DIRECTORY launch/configs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/latent/configs
        COMPONENT runtime FILES_MATCHING PATTERN "*.ini")
install(DIRECTORY launch/slurm/ DESTINATION ${CMAKE_INSTALL_DATADIR}/latent/slurm
        COMPONENT runtime USE_SOURCE_PERMISSIONS)
install(FILES README.md docs/design.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT runtime)

# The module file (Lmod): `module use P/share/modulefiles; module load latent`. It finds the
# prefix from its own path, so a prefix copied elsewhere needs no edit.
configure_file(packaging/latent.lua.in "${CMAKE_CURRENT_BINARY_DIR}/packaging/${PROJECT_VERSION}.lua"
               @ONLY)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/packaging/${PROJECT_VERSION}.lua"
        DESTINATION ${CMAKE_INSTALL_DATADIR}/modulefiles/latent COMPONENT runtime)

# The libraries for C++ programs, named latent::runtime ... latent::launch (the same names work
# inside this build), with their headers in their folders under include/latent: the
# program's own include lines (#include "models/model_kinds.hpp") work unchanged.
set(latent_libraries latent_runtime latent_layers latent_io latent_models latent_launch)
foreach(library ${latent_libraries})
  string(REPLACE "latent_" "" name ${library})
  set_target_properties(${library} PROPERTIES EXPORT_NAME ${name})
  add_library(latent::${name} ALIAS ${library})
endforeach()
# A sanitizer build's libraries need the sanitizer's runtime in whatever links them.
if(LATENT_SANITIZE STREQUAL "address")
  target_link_options(latent_runtime INTERFACE $<INSTALL_INTERFACE:-fsanitize=address,undefined>)
elseif(LATENT_SANITIZE STREQUAL "thread")
  target_link_options(latent_runtime INTERFACE $<INSTALL_INTERFACE:-fsanitize=thread>)
endif()
install(TARGETS ${latent_libraries} EXPORT latentTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/latent)
set(latent_header_excludes PATTERN "ref" EXCLUDE PATTERN "configs" EXCLUDE PATTERN "slurm" EXCLUDE)
if(NOT LATENT_HAVE_CUDA)
  list(APPEND latent_header_excludes PATTERN "cuda" EXCLUDE)
endif()
install(DIRECTORY runtime layers io models launch
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/latent COMPONENT dev
        FILES_MATCHING PATTERN "*.hpp" PATTERN "*.h" PATTERN "*.inc" PATTERN "*.cuh"
        ${latent_header_excludes})
set(LATENT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/latent)
install(EXPORT latentTargets NAMESPACE latent:: DESTINATION ${LATENT_CMAKE_DIR} COMPONENT dev)
configure_package_config_file(cmake/latentConfig.cmake.in
                              "${CMAKE_CURRENT_BINARY_DIR}/packaging/latentConfig.cmake"
                              INSTALL_DESTINATION ${LATENT_CMAKE_DIR})
# 0.x: a minor version may change the interface.
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/packaging/latentConfigVersion.cmake"
                                 COMPATIBILITY SameMinorVersion)
install(FILES "${CMAKE_CURRENT_BINARY_DIR}/packaging/latentConfig.cmake"
              "${CMAKE_CURRENT_BINARY_DIR}/packaging/latentConfigVersion.cmake"
        DESTINATION ${LATENT_CMAKE_DIR} COMPONENT dev)

include(cmake/latent_package.cmake)
