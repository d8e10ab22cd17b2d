#include "io/leftover_temporaries.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "io/atomic_file.hpp"

namespace latent {
namespace {

bool all_digits(const std::string& s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// The writer of ".NAME.tmp.HOST.PID" (or ".NAME.tmp.PID") when it was this host; -1 otherwise.
long writer_on_this_host(const std::string& name, const std::string& host) {
  if (name.size() < 2 || name[0] != '.') return -1;
  const size_t tmp = name.rfind(".tmp.");
  if (tmp == std::string::npos || tmp == 0) return -1;
  const std::string rest = name.substr(tmp + 5);  // "HOST.PID" or "PID"
  const size_t dot = rest.rfind('.');
  const std::string pid = dot == std::string::npos ? rest : rest.substr(dot + 1);
  const std::string from = dot == std::string::npos ? host : rest.substr(0, dot);
  if (!all_digits(pid) || from != host) return -1;
  return std::stol(pid);
}

bool process_runs(long pid) {
  return pid == ::getpid() || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

}  // namespace

std::vector<std::string> remove_dead_temporaries(const std::string& folder) {
  std::vector<std::string> removed;
  const std::string host = this_host_name();
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    const long pid = writer_on_this_host(name, host);
    std::error_code type_ec;
    if (pid <= 0 || !entry.is_regular_file(type_ec) || process_runs(pid)) continue;
    if (std::filesystem::remove(entry.path(), type_ec)) removed.push_back(name);
  }
  return removed;
}

}  // namespace latent
