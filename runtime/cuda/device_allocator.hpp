#pragma once
// GPU memory with a cache: a freed block is kept under its rounded size and handed out again, so
// the steady-state training step makes no cudaMalloc or cudaFree (both synchronise the device).
// Reuse needs no event: every op of this backend runs on the context's one stream, in order, so
// a block's next user runs after its last one.
#include <cstddef>
#include <cstdint>

namespace latent::cuda {

// A block of at least `bytes` on the context's device. When the device is full, the cache is
// returned to CUDA and the allocation tried once more; then a UserError says how much was asked,
// in use and cached.
void* device_alloc(size_t bytes);
// Returns a block from device_alloc to the cache (null is ignored).
void device_free(void* block);

// A block for the length of one op, back to the cache when it goes out of scope. Safe while
// kernels using it are still queued: its next user is queued after them on the same stream.
class DeviceScratch {
 public:
  explicit DeviceScratch(size_t bytes) : block_(bytes ? device_alloc(bytes) : nullptr) {}
  ~DeviceScratch() { device_free(block_); }
  DeviceScratch(const DeviceScratch&) = delete;
  DeviceScratch& operator=(const DeviceScratch&) = delete;
  void* get() const { return block_; }
  template <class T>
  T* as() const {
    return static_cast<T*>(block_);
  }

 private:
  void* block_;
};

struct AllocatorStats {
  int64_t cuda_mallocs = 0;  // calls of cudaMalloc so far
  size_t in_use_bytes = 0;
  size_t cached_bytes = 0;
};
AllocatorStats allocator_stats();

// Frees every cached block (tests; before a large allocation elsewhere).
void release_cached();

}  // namespace latent::cuda
