#pragma once
// A number an op reduced on its tensors' device (a loss, a count), read on the host only when
// asked. Reading a GPU's value waits for everything queued before it, so a training step leaves
// its losses pending and the log reads all of them with one transfer (the first read): the host
// runs ahead of the GPU between logs. The CPU backend keeps the same rules, so the number of
// reads is the same on both and tests count them here.
#include <cstdint>
#include <functional>
#include <memory>

#include "runtime/device.hpp"

namespace latent {

struct PendingBlock;  // the pool's storage (runtime/scalar.cpp)

// Where one op writes its total: device memory for a GPU op, host memory for a CPU one.
class PendingSlot {
 public:
  double* address() const;
  // The value, fetching every pending slot first when this one has not been fetched yet.
  double read() const;

 private:
  friend PendingSlot reserve_pending(Device device);
  std::shared_ptr<PendingBlock> block_;
  int index_ = 0;
};

// A new slot on `device`, held until every Scalar that refers to it is gone.
PendingSlot reserve_pending(Device device);
// The times this process's host waited for a device's results: fetches that had something to
// bring (counted on the CPU too, where they cost nothing: the count is the same on both, and
// tests read it) and a GPU's copies to the host. metrics.jsonl shows it per row.
int64_t host_wait_count();
// Counts one more (the CUDA backend's copies to the host).
void note_host_wait();

class Scalar {
 public:
  Scalar(double known = 0.0) : known_(known) {}  // implicit: constants mix with pending values
  static Scalar pending(PendingSlot slot);
  // The number; a pending one is fetched with everything else pending (one wait).
  double value() const { return later_ ? later_() : known_; }
  bool known() const { return !later_; }

  friend Scalar operator+(const Scalar& a, const Scalar& b);
  friend Scalar operator-(const Scalar& a, const Scalar& b);
  friend Scalar operator*(const Scalar& a, const Scalar& b);
  friend Scalar operator/(const Scalar& a, const Scalar& b);
  Scalar& operator+=(const Scalar& b) { return *this = *this + b; }

 private:
  double known_ = 0.0;
  // Set while the value depends on a pending slot: computes it, in the order the expression was
  // written (the same rounding as on known values).
  std::function<double()> later_;
};

}  // namespace latent
