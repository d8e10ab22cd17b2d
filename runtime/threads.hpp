#pragma once
// Thread count of the compute backend (oneDNN's OpenMP runtime).
namespace latent {

// n <= 0 means all cores.
void set_num_threads(int n);
int num_threads();

}  // namespace latent
