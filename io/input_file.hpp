#pragma once
// Every file a command reads is checked here before it is opened: a FIFO, socket or device
// would block the reader in open() (a FIFO with no writer waits forever) or hand a stream to a
// reader that seeks, so only regular files (symlinks followed) are read.
#include <string>

namespace latent {

// UserError unless `path` names a regular file: "[<label> ]<path>: no such file (expected
// <expected>)", "...: is a folder; expected ...", "...: is a FIFO (named pipe), not a regular
// file; expected ...". Notes the file as an input of this command (io/output_path.hpp).
void expect_regular_input(const std::string& path, const std::string& label,
                          const std::string& expected);

// The same for a file found inside an input folder (an image of `convert --from image-dir`):
// false for a FIFO, socket or device, which the caller names and skips or refuses.
bool is_regular_file(const std::string& path);

// What a non-regular file is, in words ("a FIFO (named pipe)", "a socket", "a character device").
std::string file_kind(const std::string& path);

}  // namespace latent
