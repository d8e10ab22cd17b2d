#include "io/disk_space.hpp"

#include <sys/statvfs.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace latent {

int64_t free_bytes_for(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path folder = fs::absolute(fs::path(path), ec).parent_path();
  if (ec) return -1;
  // A folder still to be made (a new run's --out) fills the file system of its nearest parent.
  while (!fs::exists(folder, ec) && folder.has_parent_path() && folder != folder.parent_path())
    folder = folder.parent_path();
  struct statvfs st;
  if (::statvfs(folder.c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
}

bool is_out_of_space(int err) noexcept {
  return err == ENOSPC || err == EDQUOT;
}

std::string no_space_message(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path folder = fs::absolute(fs::path(path), ec).parent_path();
  std::string where = folder.string(), type;
  // mountinfo: id parent major:minor root mount-point options ... - fstype source ...
  std::ifstream info("/proc/self/mountinfo");
  std::string line;
  size_t best = 0;
  while (std::getline(info, line)) {
    std::istringstream fields(line);
    std::string id, parent, devno, root, mount, word;
    fields >> id >> parent >> devno >> root >> mount;
    while (fields >> word && word != "-") {
    }
    std::string fstype, source;
    fields >> fstype >> source;
    const std::string f = folder.string();
    bool inside =
        f == mount || (f.rfind(mount, 0) == 0 && (mount == "/" || f[mount.size()] == '/'));
    if (inside && mount.size() >= best) {
      best = mount.size();
      where = mount;
      type = fstype + (source.empty() || source == fstype ? "" : " " + source);
    }
  }
  return "no space left on " + where + (type.empty() ? "" : " (" + type + ")") + " writing " + path;
}

}  // namespace latent
