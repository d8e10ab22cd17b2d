#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "runtime/error.hpp"

namespace latent {
namespace {

void fsync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) throw UserError(path + ": cannot open to sync: " + std::strerror(errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  // Some filesystems cannot fsync a folder (EINVAL); the rename is still atomic there.
  if (rc != 0 && err != EINVAL) throw UserError(path + ": fsync failed: " + std::strerror(err));
}

// Fixed slots, no allocation: a signal handler walks them. State 0 free, 1 being filled, 2 live.
constexpr int kSlots = 64;
constexpr size_t kPathBytes = 4096;
struct PartialSlot {
  std::atomic<int> state{0};
  char path[kPathBytes];
};
PartialSlot partial_slots[kSlots];

}  // namespace

std::string this_host_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == 0) return "host";
  std::string name(host);
  for (char& c : name)  // a host name is one path component
    if (c == '/') c = '_';
  return name;
}

std::string folder_of(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

void register_partial_file(const std::string& path) noexcept {
  if (path.size() >= kPathBytes) return;
  for (PartialSlot& s : partial_slots) {
    int expected = 0;
    if (!s.state.compare_exchange_strong(expected, 1)) continue;
    std::memcpy(s.path, path.c_str(), path.size() + 1);
    s.state.store(2);
    return;
  }
}

void forget_partial_file(const std::string& path) noexcept {
  for (PartialSlot& s : partial_slots) {
    if (s.state.load() != 2 || path != s.path) continue;
    int expected = 2;
    if (s.state.compare_exchange_strong(expected, 1)) s.state.store(0);
    return;
  }
}

void remove_partial_files_from_signal_handler() noexcept {
  for (PartialSlot& s : partial_slots)
    if (s.state.load() == 2) ::unlink(s.path);
}

std::string temporary_path_for(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string folder = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string temporary =
      folder + "." + name + ".tmp." + this_host_name() + "." + std::to_string(::getpid());
  register_partial_file(temporary);
  return temporary;
}

void commit_file(const std::string& temporary, const std::string& path, bool durable) {
  if (durable) fsync_path(temporary, O_RDONLY);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    int err = errno;
    discard_file(temporary);
    throw UserError(path + ": cannot rename the finished file into place: " + std::strerror(err));
  }
  forget_partial_file(temporary);
  if (durable) fsync_path(folder_of(path), O_RDONLY | O_DIRECTORY);
}

void discard_file(const std::string& temporary) noexcept {
  std::remove(temporary.c_str());
  forget_partial_file(temporary);
}

}  // namespace latent
