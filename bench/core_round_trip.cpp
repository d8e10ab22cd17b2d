// How long one cache line takes to go from one core to another and back: two threads, each
// pinned to its core, take turns writing a counter. On this project's 2-core VM the figure is
// 80-170 ns most of the time and 380-700 ns in spells that come from the host; in those spells
// every hand-off between the compute threads costs that much, and a 2-thread step slows by up
// to a third while two independent processes do not (bench/thread_ceiling.sh).
//
//   core_round_trip [CPU_A CPU_B]   (default 0 1)  -> {"cpus": [0, 1], "round_trip_ns": 95}
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace {

alignas(64) std::atomic<long> turn{0};

bool pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  const int a = argc > 2 ? std::atoi(argv[1]) : 0, b = argc > 2 ? std::atoi(argv[2]) : 1;
  const long trips = 200000;
  bool pinned_b = true;
  std::thread partner([&] {
    pinned_b = pin_to(b);
    for (long i = 0; i < trips; ++i) {
      while (turn.load(std::memory_order_acquire) != 2 * i + 1) {
      }
      turn.store(2 * i + 2, std::memory_order_release);
    }
  });
  const bool pinned_a = pin_to(a);
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < trips; ++i) {
    turn.store(2 * i + 1, std::memory_order_release);
    while (turn.load(std::memory_order_acquire) != 2 * i + 2) {
    }
  }
  const auto t1 = std::chrono::steady_clock::now();
  partner.join();
  if (!pinned_a || !pinned_b) {
    std::fprintf(stderr, "core_round_trip: cannot pin to CPUs %d and %d (not in this machine?)\n",
                 a, b);
    return 1;
  }
  const double ns = std::chrono::duration<double, std::nano>(t1 - t0).count() / trips;
  std::printf("{\"cpus\": [%d, %d], \"round_trip_ns\": %.0f}\n", a, b, ns);
}
