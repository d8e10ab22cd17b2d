#pragma once
// Counts the bytes a buffer holds and remembers the most it ever held.
#include <atomic>
#include <cstdint>
#include <memory>

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

// Uninitialised storage counted by a meter while it lives. It grows on demand and keeps its
// capacity, so buffers reused window after window are allocated (and page-faulted) once.
template <typename T>
class MeteredBuffer {
 public:
  explicit MeteredBuffer(MemoryMeter& meter) : meter_(&meter) {}
  MeteredBuffer(MeteredBuffer&& o) noexcept
      : meter_(o.meter_), data_(std::move(o.data_)), capacity_(o.capacity_) {
    o.capacity_ = 0;
  }
  MeteredBuffer& operator=(MeteredBuffer&& o) noexcept {
    if (this != &o) {
      release();
      meter_ = o.meter_;
      data_ = std::move(o.data_);
      capacity_ = o.capacity_;
      o.capacity_ = 0;
    }
    return *this;
  }
  ~MeteredBuffer() { release(); }

  // Room for at least n elements; contents are not kept when it grows.
  void ensure(size_t n) {
    if (n <= capacity_) return;
    release();
    meter_->add(static_cast<int64_t>(n * sizeof(T)));
    data_.reset(new T[n]);
    capacity_ = n;
  }
  T* data() { return data_.get(); }
  const T* data() const { return data_.get(); }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  size_t capacity() const { return capacity_; }

 private:
  void release() {
    if (capacity_ > 0) meter_->sub(static_cast<int64_t>(capacity_ * sizeof(T)));
    data_.reset();
    capacity_ = 0;
  }

  MemoryMeter* meter_;
  std::unique_ptr<T[]> data_;
  size_t capacity_ = 0;
};

}  // namespace latent
