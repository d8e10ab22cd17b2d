#pragma once
// Temporaries that a killed process left behind (".checkpoint.h5.tmp.HOST.PID", written by
// io/atomic_file.hpp): a SIGKILL during a checkpoint write leaves one as large as the checkpoint.
// A run removes those in its folder when it starts or resumes.
#include <string>
#include <vector>

namespace latent {

// Removes every temporary in `folder` (not below it) whose process is gone: written on this host
// (or before temporaries named their host) by a PID that no longer runs. One of a live process,
// or of another host (on a shared file system), is never touched. Returns the names removed.
std::vector<std::string> remove_dead_temporaries(const std::string& folder);

}  // namespace latent
