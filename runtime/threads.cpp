#include "runtime/threads.hpp"

#include <omp.h>
#include <sched.h>

namespace latent {

void set_num_threads(int n) {
  omp_set_num_threads(n > 0 ? n : cpus_in_affinity_mask());
}

int num_threads() {
  return omp_get_max_threads();
}

int cpus_in_affinity_mask() {
  cpu_set_t mask;
  if (sched_getaffinity(0, sizeof mask, &mask) != 0) return omp_get_num_procs();
  return CPU_COUNT(&mask) > 0 ? CPU_COUNT(&mask) : 1;
}

uint64_t affinity_mask_key() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  sched_getaffinity(0, sizeof mask, &mask);
  uint64_t h = 1469598103934665603ull;  // FNV-1a over the CPU numbers in the mask
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &mask)) h = (h ^ static_cast<uint64_t>(cpu)) * 1099511628211ull;
  return h;
}

}  // namespace latent
