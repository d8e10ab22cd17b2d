#pragma once
// The MPI side of runtime/stall_watchdog.hpp, inside the MPI communicator only.
//
// Every wait of the communicator polls its request with back-off (PatientWait) and, while it
// waits, answers its peers' questions on a communicator of its own. When a wait passes the stall
// timeout, the rank asks every peer where it is and gives them a grace period to answer: a rank
// that waits in the same collective answers at once (it arrived); a rank that is computing, stuck
// in a file system, stopped (SIGSTOP) or gone does not. The lowest stalled rank then prints who
// did not arrive (rank, host, PID, what the others wait in, the step) and ends the job with
// kStallExitStatus; the others leave that to it.
#include <mpi.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace latent {

class MpiStallWatch {
 public:
  // Collective over `world`: duplicates it for the questions and gathers every rank's host and
  // PID. The constructing thread is the one whose waits answers describe (the training thread).
  explicit MpiStallWatch(MPI_Comm world);
  ~MpiStallWatch();
  MpiStallWatch(const MpiStallWatch&) = delete;
  MpiStallWatch& operator=(const MpiStallWatch&) = delete;

  // Returns once `request` is complete; `operation` names it in answers and in the stall report.
  void wait(MPI_Request& request, const char* operation);

 private:
  struct Peer {
    long pid = 0;
    std::string host;
  };
  void answer_questions();
  // After a timeout: asks the peers, and either reports and ends the job, or (the request
  // completed meanwhile, or a lower rank reports) returns.
  void ask_peers_or_report(MPI_Request& request, const char* operation, double waited);
  std::string describe(int rank) const;

  MPI_Comm watch_ = MPI_COMM_NULL;
  int rank_ = 0, size_ = 1;
  std::vector<Peer> peers_;
  std::thread::id training_thread_;
  std::atomic<const char*> training_waits_in_{nullptr};  // null: not in a wait
};

}  // namespace latent
