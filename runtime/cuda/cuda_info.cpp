// CUDA's part of the version line (runtime/build_info.hpp): the versions of the libraries this
// process loaded, which may be newer than the headers it was compiled with. No GPU is needed.
#include <cuda_runtime_api.h>
#include <cudnn.h>
#include <nccl.h>

#include <string>

#include "runtime/build_info.hpp"

namespace latent {
namespace {

// "13.0" from CUDA's 1000 * major + 10 * minor.
std::string cuda_version(int v) {
  return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10);
}

// cuDNN and NCCL count major * 10000 + minor * 100 + patch since cuDNN 9 and NCCL 2.9, and
// major * 1000 + minor * 100 + patch before: a count of at least `first_major` * 10000 is the
// newer form (cuDNN 8.9.7 is 8907, 9.10.2 is 91002; NCCL 2.8.4 is 2804, 2.27.7 is 22707).
std::string three_part_version(long v, long first_major) {
  const long unit = v >= first_major * 10000 ? 10000 : 1000;
  return std::to_string(v / unit) + "." + std::to_string(v % unit / 100) + "." +
         std::to_string(v % 100);
}

}  // namespace

std::string cuda_info() {
  int runtime = 0, driver = 0;
  std::string text = "CUDA ";
  text += cudaRuntimeGetVersion(&runtime) == cudaSuccess ? cuda_version(runtime) : "?";
  // 0 when no driver is installed: the runtime is there, a GPU cannot be used.
  if (cudaDriverGetVersion(&driver) == cudaSuccess && driver > 0)
    text += " (driver " + cuda_version(driver) + ")";
  else
    text += " (no driver)";
  text += ", cuDNN " + three_part_version(static_cast<long>(cudnnGetVersion()), 9);
  int nccl = 0;
  if (ncclGetVersion(&nccl) == ncclSuccess) text += ", NCCL " + three_part_version(nccl, 2);
  return text;
}

}  // namespace latent
