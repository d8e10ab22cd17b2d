#pragma once
// The machine's physical memory: what sizes chosen by options are bounded by.
#include <unistd.h>

namespace latent {

// Bytes of physical memory; 0 when the system cannot say.
inline double physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0.0;
}

}  // namespace latent
