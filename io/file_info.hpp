#pragma once
// What an HDF5 file holds, as text for `latent info`: every dataset with its shape, type and
// storage (contiguous or chunked, filters), every attribute, and for a checkpoint its model,
// step and epoch from /meta.
#include <string>

namespace latent {

// UserError when the file is missing or not HDF5.
std::string describe_file(const std::string& path);

}  // namespace latent
