#pragma once
// Writing a file so that a crash never leaves a broken one: write a temporary file in the same
// folder, make it durable, then rename it over the target (rename is atomic within a folder).
#include <string>

namespace latent {

// The folder holding `path` ("." for a bare name, "/" at the root).
std::string folder_of(const std::string& path);

// "<folder>/.<name>.tmp.<host>.<pid>": hidden, unique per process (on a shared file system too),
// on the target's filesystem. The path is registered until commit_file or discard_file, so a
// signal can remove it. io/leftover_temporaries.hpp finds the ones dead processes left.
std::string temporary_path_for(const std::string& path);

// This machine's host name as it appears in temporary names.
std::string this_host_name();

// Registers / forgets a partial file that a signal must not leave behind (temporary_path_for does
// this itself; other partial files, such as a rank's part of a sharded output, call it).
void register_partial_file(const std::string& path) noexcept;
void forget_partial_file(const std::string& path) noexcept;
// unlink()s every registered partial file. Async-signal-safe: for the signal handlers.
void remove_partial_files_from_signal_handler() noexcept;

// fsync(temporary), rename(temporary, path), fsync(folder). UserError on failure. Without
// `durable` (previews a crash may lose: PNG grids) the file is still complete or absent, but the
// two fsyncs, about 10 ms each on a VM's disk, are skipped.
void commit_file(const std::string& temporary, const std::string& path, bool durable = true);

// Removes a temporary file left by an abandoned write (and forgets it); never throws.
void discard_file(const std::string& temporary) noexcept;

}  // namespace latent
