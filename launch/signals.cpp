#include "launch/signals.hpp"

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

void request_stop(int sig) {
  if (stop_signal != 0) {  // the second one: no more waiting
    remove_and_die(sig);
    return;
  }
  stop_signal = sig;
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
