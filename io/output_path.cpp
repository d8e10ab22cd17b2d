#include "io/output_path.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <utility>
#include <vector>

#include "runtime/error.hpp"

namespace latent {
namespace {

std::atomic<bool> guarding{false};
std::mutex inputs_mutex;
std::vector<std::pair<dev_t, ino_t>>& inputs() {
  static std::vector<std::pair<dev_t, ino_t>> files;
  return files;
}

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISFIFO(mode)) return "a fifo";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

}  // namespace

void guard_inputs_against_overwrite() noexcept {
  guarding = true;
}

void note_input_file(const std::string& path) noexcept {
  if (!guarding) return;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return;
  std::lock_guard<std::mutex> lock(inputs_mutex);
  inputs().emplace_back(st.st_dev, st.st_ino);
}

void forget_input_file(const std::string& path) noexcept {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return;
  std::lock_guard<std::mutex> lock(inputs_mutex);
  auto& files = inputs();
  files.erase(std::remove(files.begin(), files.end(), std::make_pair(st.st_dev, st.st_ino)),
              files.end());
}

std::string resolve_output_path(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string target = path;
  // A symlink's final target (it may not exist yet: a dangling link creates it).
  for (int hops = 0; fs::is_symlink(fs::symlink_status(target, ec)); ++hops) {
    if (hops == 40) throw UserError(path + ": too many levels of symbolic links");
    fs::path next = fs::read_symlink(target, ec);
    if (ec) throw UserError(path + ": cannot read the symbolic link: " + ec.message());
    target = (next.is_absolute() ? next : fs::path(target).parent_path() / next).string();
  }
  struct stat st;
  if (::stat(target.c_str(), &st) != 0) return target;  // a new file
  std::string shown = target == path ? path : path + " (-> " + target + ")";
  if (!S_ISREG(st.st_mode))
    throw UserError(shown + " is " + kind_of(st.st_mode) +
                    "; expected a regular file or a new path as output");
  std::lock_guard<std::mutex> lock(inputs_mutex);
  for (auto& [dev, ino] : inputs())
    if (dev == st.st_dev && ino == st.st_ino)
      throw UserError(shown +
                      " is also an input of this command; writing it would destroy "
                      "that input: choose another output path");
  return target;
}

}  // namespace latent
