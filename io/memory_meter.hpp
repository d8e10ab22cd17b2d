#pragma once
// Counts the bytes a buffer holds and remembers the most it ever held.
#include <atomic>
#include <cstdint>
#include <vector>

namespace latent {

class MemoryMeter {
 public:
  void add(int64_t bytes) {
    int64_t now = live_.fetch_add(bytes) + bytes;
    int64_t high = high_.load();
    while (now > high && !high_.compare_exchange_weak(high, now)) {
    }
  }
  void sub(int64_t bytes) { live_.fetch_sub(bytes); }
  int64_t live() const { return live_.load(); }
  int64_t high_water() const { return high_.load(); }

 private:
  std::atomic<int64_t> live_{0};
  std::atomic<int64_t> high_{0};
};

// A std::vector whose storage is counted by a meter for as long as it lives.
template <typename T>
class MeteredVector {
 public:
  MeteredVector(MemoryMeter& meter, size_t n) : meter_(meter), data_(n) {
    meter_.add(bytes());
  }
  ~MeteredVector() { meter_.sub(bytes()); }
  MeteredVector(const MeteredVector&) = delete;
  MeteredVector& operator=(const MeteredVector&) = delete;

  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  size_t size() const { return data_.size(); }
  std::vector<T>& vec() { return data_; }  // for in-place algorithms; never resize
  int64_t bytes() const { return static_cast<int64_t>(data_.size() * sizeof(T)); }

 private:
  MemoryMeter& meter_;
  std::vector<T> data_;
};

}  // namespace latent
