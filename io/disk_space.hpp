#pragma once
// Saying which filesystem ran out of space, so a full disk reads as what it is.
#include <cstdint>
#include <string>

namespace latent {

// Bytes an unprivileged write may still use on the filesystem that would hold `path` (a file
// there or to be created, in folders that may not exist yet); -1 when unknown.
int64_t free_bytes_for(const std::string& path);

// ENOSPC or EDQUOT.
bool is_out_of_space(int err) noexcept;

// "no space left on /scratch (tmpfs) writing PATH": the mount point and filesystem holding
// `path` (from /proc/self/mountinfo; the folder alone where that is unreadable).
std::string no_space_message(const std::string& path);

}  // namespace latent
