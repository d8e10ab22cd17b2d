#include "launch/signals.hpp"

#include <time.h>
#include <unistd.h>

#include "io/atomic_file.hpp"

namespace latent {
namespace {

volatile std::sig_atomic_t stop_signal = 0;

void remove_and_die(int sig) {
  remove_partial_files_from_signal_handler();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

double monotonic_seconds() {  // clock_gettime is async-signal-safe
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

volatile double first_stop_at = 0;

void request_stop(int sig) {
  if (stop_signal == 0) {
    stop_signal = sig;
    first_stop_at = monotonic_seconds();
    return;
  }
  // A second signal ends the process at once, unless it is the same signal delivered twice
  // within a second: `timeout` sends it to the process and again to its process group.
  if (sig == stop_signal && monotonic_seconds() - first_stop_at < 1.0) return;
  remove_and_die(sig);
}

void install(int sig, void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(sig, &sa, nullptr);
}

}  // namespace

void remove_partial_files_on_signals() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) install(sig, remove_and_die);
}

const volatile std::sig_atomic_t* request_stop_on_signals() {
  for (int sig : {SIGINT, SIGTERM, SIGUSR1}) install(sig, request_stop);
  return &stop_signal;
}

}  // namespace latent
