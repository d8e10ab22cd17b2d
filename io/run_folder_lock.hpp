#pragma once
// A run folder belongs to one run at a time: an flock on FOLDER/.lock, held while the run lives
// (released by the kernel however the process ends). The holder writes its PID and host there,
// so a refused second run can say who holds it.
#include <string>

namespace latent {

class RunFolderLock {
 public:
  // Creates the folder if needed (nothing else in it is touched). UserError when another process
  // holds the lock, naming it.
  explicit RunFolderLock(const std::string& folder);
  ~RunFolderLock();
  RunFolderLock(const RunFolderLock&) = delete;
  RunFolderLock& operator=(const RunFolderLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace latent
