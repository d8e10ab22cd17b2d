#pragma once
// How a rank waits for its peers (runtime/mpi_communicator.cpp): patiently, and not forever.
//
// A blocking MPI call spins a core at 100 % for as long as it waits (OpenMPI polls), so a
// stopped peer or an oversubscribed node costs a core per waiting rank. Every collective is
// therefore started non-blocking and polled: first in a tight loop (50 µs), then yielding the
// core between polls (to 2 ms: a step's normal wait for a slower peer ends in here), then
// sleeping between polls, 50 µs growing to 1 ms (a wait's cost stays under 5 % of a core, and a
// long wait ends at most 1 ms late). A wait longer than the stall timeout (--stall-timeout,
// 600 s by default) ends the job: the rank asks its peers where they are, names the ones that
// did not arrive (host, PID) and exits with kStallExitStatus.
#include <chrono>
#include <cstdint>

namespace latent {

// The exit status of a job ended by a stalled rank (BSD's EX_PROTOCOL): a batch script tells it
// from a failure of the run itself and from a preemption (75).
inline constexpr int kStallExitStatus = 76;

// Process-wide settings: the timeout (seconds; 0 waits forever) and the training step the
// process is at (for the message). Set by the trainer; safe from any thread.
void set_stall_timeout(double seconds);
double stall_timeout();
void set_stall_step(int64_t step);
int64_t stall_step();  // -1 before training starts

// One wait: call pause() between polls of the awaited operation.
class PatientWait {
 public:
  PatientWait();
  // Yields or sleeps as long as the wait has lasted calls for; false once the stall timeout has
  // passed (never with a timeout of 0).
  bool pause();
  double seconds() const;

 private:
  std::chrono::steady_clock::time_point start_;
  int64_t sleep_ns_ = 50000;
};

}  // namespace latent
