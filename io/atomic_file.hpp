#pragma once
// Writing a file so that a crash never leaves a broken one: write a temporary file in the same
// folder, make it durable, then rename it over the target (rename is atomic within a folder).
#include <string>

namespace latent {

// "<folder>/.<name>.tmp.<pid>": hidden, unique per process, on the target's filesystem.
std::string temporary_path_for(const std::string& path);

// fsync(temporary), rename(temporary, path), fsync(folder). UserError on failure. Without
// `durable` (previews a crash may lose: PNG grids) the file is still complete or absent, but the
// two fsyncs, about 10 ms each on a VM's disk, are skipped.
void commit_file(const std::string& temporary, const std::string& path, bool durable = true);

// Removes a temporary file left by an abandoned write; never throws.
void discard_file(const std::string& temporary) noexcept;

}  // namespace latent
