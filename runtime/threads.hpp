#pragma once
// Thread count of the compute backend (oneDNN's OpenMP runtime), and the CPUs a process may use.
#include <cstdint>

namespace latent {

// n <= 0 means all CPUs of the affinity mask.
void set_num_threads(int n);
int num_threads();

// CPUs in this process's affinity mask: what `mpirun --bind-to`, `srun --cpu-bind` or `taskset`
// left it (omp_get_num_procs() counts the same mask, so ranks bound to one socket see that
// socket's cores, not the node's).
int cpus_in_affinity_mask();
// A fingerprint of the mask: ranks bound alike share it.
uint64_t affinity_mask_key();

}  // namespace latent
