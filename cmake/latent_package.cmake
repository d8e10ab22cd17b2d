# Debian packages of the install rules (cmake/latent_install.cmake), made by `cpack -G DEB` in
# the build folder into /usr: latent_VERSION_ARCH.deb (the program, configs, Slurm script, module
# file, docs) and latent-dev_VERSION_ARCH.deb (headers, static libraries, the CMake package).
# `apt-get install ./latent_*.deb` on a bare Debian 12 pulls in what they need
# (scripts/deb_on_bare_debian.sh tries exactly that; tests/install/deb_test.sh checks that every
# shared library the program loads comes from a package it names).
set(CPACK_PACKAGE_NAME latent)
set(CPACK_PACKAGE_VENDOR latent)
set(CPACK_PACKAGE_CONTACT "latent maintainers <latent@localhost>")
# Each package's Description is its own: a synopsis line, then the extended text (CPack indents
# it as Debian wants; it would put CPACK_PACKAGE_DESCRIPTION_SUMMARY above both).
set(latent_summary "trains autoencoders, VAEs and GANs, data-parallel across MPI ranks")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME latent)
set(CPACK_DEBIAN_DEV_PACKAGE_NAME latent-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)

# Debian 12's names of the packages of the shared libraries `latent` is linked with (readelf
# -d: NEEDED); tests/install/deb_test.sh checks that each library's package is named.
set(latent_deb_libraries
    libc6 libstdc++6 libgcc-s1 libgomp1  # C and C++ runtimes, OpenMP
    libdnnl2                             # oneDNN 2.x (built against 2.6)
    ocl-icd-libopencl1                   # OpenCL's loader: oneDNN's CMake package links it
    libopenmpi3                          # Open MPI 4.1: libmpi.so.40, libmpi_cxx.so.40
    libhdf5-103-1                        # HDF5 1.10, serial: libhdf5_serial.so.103
    libboost-program-options1.74.0
    libpng16-16 libjpeg62-turbo zlib1g)
# openmpi-bin: mpirun for data-parallel runs; a single process starts MPI too, and Open MPI 4
# starts its orted helper for it.
list(APPEND latent_deb_libraries openmpi-bin)
string(REPLACE ";" ", " CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "${latent_deb_libraries}")
# gnuplot draws `latent plot` and `plot-latent`; training and every other command work without.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS gnuplot-nox)
# lmod reads the module file (share/modulefiles/latent/VERSION.lua); Slurm runs slurm/train.sbatch.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SUGGESTS "lmod, slurm-client")
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
    "${latent_summary}
The latent program trains undercomplete, sparse and denoising autoencoders,
variational autoencoders, GANs and classifiers on HDF5 datasets, on oneDNN,
data-parallel under mpirun or srun; and encodes, decodes, generates, scores
anomalies and draws with the trained models. Example configs and a Slurm batch
script are in /usr/share/latent, an Lmod module file in /usr/share/modulefiles.")

# The -dev package's CMake package finds these (cmake/latentConfig.cmake.in); dnnl's own CMake
# package needs OpenCL's headers.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "latent (= ${PROJECT_VERSION}), libdnnl-dev, ocl-icd-opencl-dev, libopenmpi-dev, libhdf5-dev, libboost-program-options-dev, libpng-dev, libjpeg-dev, zlib1g-dev, libeigen3-dev")
set(CPACK_DEBIAN_DEV_DESCRIPTION
    "${latent_summary} (C++ libraries)
Headers, static libraries and the CMake package of latent:
find_package(latent) gives latent::runtime, latent::layers, latent::io,
latent::models and latent::launch.")

# A CUDA build's package needs NVIDIA's CUDA runtime, cuBLAS, cuDNN and NCCL, which are no
# Debian 12 packages (NVIDIA's own repository names them by CUDA version): it is named
# latent-cuda, takes the place of latent, and says what it needs instead of declaring it.
if(LATENT_HAVE_CUDA)
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME latent-cuda)
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_PROVIDES latent)
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONFLICTS latent)
  set(CPACK_DEBIAN_RUNTIME_PACKAGE_REPLACES latent)
  string(REPLACE "latent (=" "latent-cuda (=" CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
                 "${CPACK_DEBIAN_DEV_PACKAGE_DEPENDS}")
  string(APPEND CPACK_DEBIAN_RUNTIME_DESCRIPTION "

Built with CUDA ${CUDAToolkit_VERSION}: needs NVIDIA's CUDA runtime, cuBLAS,
cuDNN and NCCL libraries (${CUDAToolkit_LIBRARY_DIR}), which it does not declare.")
endif()

include(CPack)
