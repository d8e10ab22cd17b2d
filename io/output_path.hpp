#pragma once
// Where an output may go. Every writer resolves its target here, so no command can replace one of
// its own inputs, a device such as /dev/null, a folder, or a symlink (written through instead).
#include <string>

namespace latent {

// Turns the input registry on for this process (the `latent` program does, first thing): from
// then on every file a reader opens is noted. Off, as in a library or a test process that
// rewrites its own files, note_input_file does nothing.
void guard_inputs_against_overwrite() noexcept;

// Records a file this process reads (by device and inode), so that no output of the same command
// replaces it. Cheap; a path that cannot be stat'ed is ignored.
void note_input_file(const std::string& path) noexcept;

// Undoes note_input_file: for a file this command means to replace (the checkpoint a resumed
// run continues, rewritten atomically as it goes on).
void forget_input_file(const std::string& path) noexcept;

// The file an output named `path` goes to: symlinks followed to their final target (so the link
// stays and its target gets the data). UserError naming the path when that target exists and is
// not a regular file (device, folder, fifo, socket) or is one of this process's inputs.
std::string resolve_output_path(const std::string& path);

}  // namespace latent
