#include "runtime/cuda/pinned_upload.hpp"

#include <cstring>
#include <mutex>

#include "runtime/cuda/cuda_check.hpp"
#include "runtime/cuda/cuda_context.hpp"
#include "runtime/scalar.hpp"

namespace latent::cuda {
namespace {

// Four buffers: a step's uploads (a batch, its labels, a conditional model's classes) fit
// without waiting, and the host stays within about a step of the GPU.
constexpr int kRing = 4;
constexpr size_t kLargestStaged = size_t{64} << 20;

struct Staging {
  void* host = nullptr;  // pinned
  size_t bytes = 0;
  cudaEvent_t landed = nullptr;  // recorded after the buffer's last transfer
};

struct Ring {
  std::mutex mutex;
  Staging buffers[kRing];
  int next = 0;
};

Ring& ring() {
  static Ring* made = new Ring;  // never freed: pinned memory goes with the process
  return *made;
}

// Waits until the buffer's last transfer has landed (counted as a host wait when it had not).
void wait_until_free(Staging& s) {
  if (!s.landed) {
    check(cudaEventCreateWithFlags(&s.landed, cudaEventDisableTiming), "cudaEventCreate");
    return;
  }
  const cudaError_t state = cudaEventQuery(s.landed);
  if (state == cudaSuccess) return;
  if (state != cudaErrorNotReady) check(state, "cudaEventQuery (staging buffer)");
  check(cudaEventSynchronize(s.landed), "cudaEventSynchronize (staging buffer)");
  note_host_wait();
}

}  // namespace

void upload(const void* src, void* dst, size_t bytes) {
  const cudaStream_t stream = context().stream;
  if (bytes > kLargestStaged) {
    check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, stream),
          "cudaMemcpyAsync (host to device)");
    synchronize();  // the source is the caller's, free to change when this returns
    return;
  }
  Ring& r = ring();
  std::lock_guard<std::mutex> lock(r.mutex);
  Staging& s = r.buffers[r.next];
  r.next = (r.next + 1) % kRing;
  wait_until_free(s);
  if (s.bytes < bytes) {
    if (s.host) check(cudaFreeHost(s.host), "cudaFreeHost");
    s.host = nullptr;
    check(cudaMallocHost(&s.host, bytes), "cudaMallocHost (staging buffer)");
    s.bytes = bytes;
  }
  std::memcpy(s.host, src, bytes);
  check(cudaMemcpyAsync(dst, s.host, bytes, cudaMemcpyHostToDevice, stream),
        "cudaMemcpyAsync (host to device)");
  check(cudaEventRecord(s.landed, stream), "cudaEventRecord (staging buffer)");
}

}  // namespace latent::cuda
