#include "io/input_file.hpp"

#include <sys/stat.h>

#include "io/output_path.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISREG(mode)) return "a regular file";
  return "not a regular file";
}

}  // namespace

void expect_regular_input(const std::string& path, const std::string& label,
                          const std::string& expected) {
  const std::string named = label.empty() ? path : label + " " + path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw UserError(named + ": no such file (expected " + expected + ")");
  if (S_ISDIR(st.st_mode)) throw UserError(named + ": is a folder; expected " + expected);
  if (!S_ISREG(st.st_mode))
    throw UserError(named + ": is " + kind_of(st.st_mode) + ", not a regular file; expected " +
                    expected);
  note_input_file(path);
}

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string file_kind(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "missing";
  return kind_of(st.st_mode);
}

}  // namespace latent
