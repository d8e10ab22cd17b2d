#include "runtime/noise.hpp"

#include <stdexcept>

namespace latent {

NoiseKind parse_noise(const std::string& name) {
  if (name == "none") return NoiseKind::kNone;
  if (name == "gaussian") return NoiseKind::kGaussian;
  if (name == "masking") return NoiseKind::kMasking;
  if (name == "salt-pepper" || name == "salt_pepper") return NoiseKind::kSaltPepper;
  throw std::invalid_argument("noise '" + name +
                              "' (expected none, gaussian, masking or salt-pepper)");
}

}  // namespace latent
