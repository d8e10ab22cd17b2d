#include "runtime/stall_watchdog.hpp"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <thread>

namespace latent {
namespace {

std::atomic<double> timeout_s{600.0};
std::atomic<int64_t> step{-1};

constexpr double kSpinSeconds = 50e-6, kYieldSeconds = 2e-3;
constexpr int64_t kMaxSleepNs = 1000000;

}  // namespace

void set_stall_timeout(double seconds) {
  timeout_s = seconds;
}
double stall_timeout() {
  return timeout_s;
}
void set_stall_step(int64_t s) {
  step = s;
}
int64_t stall_step() {
  return step;
}

PatientWait::PatientWait() : start_(std::chrono::steady_clock::now()) {}

double PatientWait::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

bool PatientWait::pause() {
  const double waited = seconds();
  const double limit = timeout_s;
  if (limit > 0 && waited > limit) return false;
  if (waited < kSpinSeconds) return true;
  if (waited < kYieldSeconds) {
    sched_yield();
    return true;
  }
  std::this_thread::sleep_for(std::chrono::nanoseconds(sleep_ns_));
  sleep_ns_ = std::min(kMaxSleepNs, sleep_ns_ * 3 / 2);
  return true;
}

}  // namespace latent
