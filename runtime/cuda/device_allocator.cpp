#include "runtime/cuda/device_allocator.hpp"

#include <cuda_runtime.h>

#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include "runtime/cuda/cuda_check.hpp"
#include "runtime/cuda/cuda_context.hpp"
#include "runtime/error.hpp"

namespace latent::cuda {
namespace {

// Small blocks in 512-byte steps, large ones in 2 MB steps: few distinct sizes, little waste.
size_t rounded(size_t bytes) {
  const size_t step = bytes < (1u << 20) ? 512 : (2u << 20);
  return (bytes + step - 1) / step * step;
}

struct Cache {
  std::mutex lock;
  std::multimap<size_t, void*> free_blocks;  // size -> block
  std::unordered_map<void*, size_t> sizes;   // every block handed out
  AllocatorStats stats;

  void release_locked() {
    for (auto& [size, block] : free_blocks) {
      warn(cudaFree(block), "cudaFree");  // the block is forgotten either way
      stats.cached_bytes -= size;
    }
    free_blocks.clear();
  }
};

Cache& cache() {
  static Cache* c = new Cache;  // never destroyed: tensors may outlive static destruction
  return *c;
}

std::string megabytes(size_t bytes) {
  return std::to_string(bytes / (1u << 20)) + " MB";
}

}  // namespace

void* device_alloc(size_t bytes) {
  Cache& c = cache();
  const size_t size = rounded(bytes == 0 ? 1 : bytes);
  std::lock_guard<std::mutex> hold(c.lock);
  auto found = c.free_blocks.lower_bound(size);
  // A cached block up to twice the size serves; larger ones stay for larger requests.
  if (found != c.free_blocks.end() && found->first <= 2 * size) {
    void* block = found->second;
    c.stats.cached_bytes -= found->first;
    c.stats.in_use_bytes += found->first;
    c.sizes[block] = found->first;
    c.free_blocks.erase(found);
    return block;
  }
  context();  // selects the device before the first allocation
  void* block = nullptr;
  cudaError_t status = cudaMalloc(&block, size);
  if (status == cudaErrorMemoryAllocation) {
    cudaGetLastError();  // clear the sticky error of the failed call
    c.release_locked();
    status = cudaMalloc(&block, size);
  }
  if (status == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    throw UserError("out of GPU memory: asked for " + megabytes(size) + " with " +
                    megabytes(c.stats.in_use_bytes) + " in use; lower --batch or the model's size");
  }
  check(status, "cudaMalloc");
  ++c.stats.cuda_mallocs;
  c.stats.in_use_bytes += size;
  c.sizes[block] = size;
  return block;
}

void device_free(void* block) {
  if (!block) return;
  Cache& c = cache();
  std::lock_guard<std::mutex> hold(c.lock);
  auto it = c.sizes.find(block);
  if (it == c.sizes.end()) return;
  c.stats.in_use_bytes -= it->second;
  c.stats.cached_bytes += it->second;
  c.free_blocks.emplace(it->second, block);
  c.sizes.erase(it);
}

AllocatorStats allocator_stats() {
  Cache& c = cache();
  std::lock_guard<std::mutex> hold(c.lock);
  return c.stats;
}

void release_cached() {
  context();  // cudaFree on this thread's device, not on a GPU 0 it never chose
  Cache& c = cache();
  std::lock_guard<std::mutex> hold(c.lock);
  c.release_locked();
}

}  // namespace latent::cuda
