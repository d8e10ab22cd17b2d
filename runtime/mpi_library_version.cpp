// MPI's part of the version line (runtime/build_info.hpp). MPI_Get_library_version and
// MPI_Get_version may be called before MPI_Init (MPI 3.0, section 8.7), so `latent --version`
// starts no MPI.
#include <mpi.h>

#include <string>

#include "runtime/build_info.hpp"

namespace latent {

std::string mpi_library_info() {
  char text[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int len = 0;
  MPI_Get_library_version(text, &len);
  // Open MPI: "Open MPI v4.1.4, package: Debian OpenMPI, ident: 4.1.4, repo rev: v4.1.4, May 26,
  // 2022"; MPICH: "MPICH Version:\t4.0.2\nMPICH Release date: ...". The first part names it.
  std::string name(text, static_cast<size_t>(len > 0 ? len : 0));
  name = name.substr(0, name.find_first_of(",\n"));
  for (char& c : name)
    if (c == '\t') c = ' ';
  while (!name.empty() && (name.back() == ' ' || name.back() == '\0')) name.pop_back();
  int major = 0, minor = 0;
  MPI_Get_version(&major, &minor);
  return (name.empty() ? std::string("MPI library") : name) + " (MPI " + std::to_string(major) +
         "." + std::to_string(minor) + ")";
}

}  // namespace latent
