#pragma once
// A checkpoint's seal: the first 512 bytes of a checkpoint, before its HDF5 image (where HDF5
// looks for a user block, so HDF5 tools read the file as it is), hold a short text that names the
// length and the CRC-32 of the rest of the file. A damaged or partly copied checkpoint is then
// refused before libhdf5 reads any of it: libhdf5 can crash, hang or allocate without bound on
// damaged metadata, and latent cannot catch that.
#include <cstddef>
#include <string>
#include <vector>

namespace latent {

// The seal's size: HDF5 finds a superblock at 0, 512, 1024, ... bytes.
constexpr size_t kCheckpointSealBytes = 512;

// Fills the first kCheckpointSealBytes of `image` (those bytes, then an HDF5 file image) with
// the seal of the rest.
void seal_checkpoint_image(std::vector<char>& image);

// True when `bytes` (a file's first bytes) begin with a seal's first line.
bool starts_with_checkpoint_seal(const std::vector<char>& bytes);

// Checks the seal `file` starts with (starts_with_checkpoint_seal; an unsealed checkpoint, written
// before seals, is read as it is) against the rest: one that does not match is a UserError naming
// `path`, the expected and the found length or checksum.
void verify_checkpoint_seal(const std::vector<char>& file, const std::string& path);

}  // namespace latent
