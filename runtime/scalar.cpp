#include "runtime/scalar.hpp"

#include <mutex>
#include <vector>

#ifdef LATENT_WITH_CUDA
#include "runtime/cuda/pending_storage.hpp"
#endif

namespace latent {

// Slots are handed out in order from fixed blocks: an op's kernel keeps the address it was
// given, so a block never moves or grows. A block is refilled once no Scalar refers to it.
struct PendingBlock {
  static constexpr int kSlots = 1024;
  Device device = Device::kCpu;
  double* storage = nullptr;  // where ops write: device memory for a GPU, else `host`
  std::vector<double> host;   // the values on the host, valid below `fetched`
  int used = 0, fetched = 0;
};

namespace {

struct Pool {
  std::mutex mutex;
  std::vector<std::shared_ptr<PendingBlock>> blocks;
  size_t last_open = 0;  // where the last slot came from: looked at first
  int64_t waits = 0;
};

Pool& pool() {
  static Pool* made = new Pool;  // never destroyed: GPU blocks outlive the CUDA context's teardown
  return *made;
}

std::shared_ptr<PendingBlock> new_block(Device device) {
  auto block = std::make_shared<PendingBlock>();
  block->device = device;
  block->host.assign(PendingBlock::kSlots, 0.0);
  block->storage = block->host.data();
#ifdef LATENT_WITH_CUDA
  if (device == Device::kCuda) block->storage = cuda::pending_storage(PendingBlock::kSlots);
#endif
  return block;
}

// Brings every pending slot's value to the host: for a GPU, one copy per storage block and one
// wait for the stream. Caller holds the pool's mutex.
void fetch_locked(Pool& p) {
  bool any = false, waits_for_gpu = false;
  for (auto& block : p.blocks) {
    if (block->fetched == block->used) continue;
#ifdef LATENT_WITH_CUDA
    if (block->device == Device::kCuda) {
      cuda::download_pending(block->storage + block->fetched, block->host.data() + block->fetched,
                             block->used - block->fetched);
      waits_for_gpu = true;
    }
#endif
    block->fetched = block->used;
    any = true;
  }
#ifdef LATENT_WITH_CUDA
  if (waits_for_gpu) cuda::wait_for_pending();
#endif
  (void)waits_for_gpu;
  if (any) ++p.waits;
}

}  // namespace

namespace {

// Whether `block` can take a slot on `device`, refilling it when nobody reads it any more.
bool has_room(PendingBlock& block, long use_count, Device device) {
  if (block.device != device) return false;
  if (use_count == 1) block.used = block.fetched = 0;
  return block.used < PendingBlock::kSlots;
}

}  // namespace

PendingSlot reserve_pending(Device device) {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  // The last block first: the whole list is walked once a block fills, not for every slot
  // (a run logged rarely keeps many blocks of pending values).
  std::shared_ptr<PendingBlock> open;
  if (p.last_open < p.blocks.size()) {
    auto& last = p.blocks[p.last_open];
    if (has_room(*last, last.use_count(), device)) open = last;
  }
  for (size_t i = 0; !open && i < p.blocks.size(); ++i)
    if (has_room(*p.blocks[i], p.blocks[i].use_count(), device)) {
      open = p.blocks[i];
      p.last_open = i;
    }
  if (!open) {
    open = p.blocks.emplace_back(new_block(device));
    p.last_open = p.blocks.size() - 1;
  }
  PendingSlot slot;
  slot.block_ = open;
  slot.index_ = open->used++;
  return slot;
}

double* PendingSlot::address() const {
  return block_->storage + index_;
}

double PendingSlot::read() const {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  if (index_ >= block_->fetched) fetch_locked(p);
  return block_->host[static_cast<size_t>(index_)];
}

int64_t host_wait_count() {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  return p.waits;
}

void note_host_wait() {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  ++p.waits;
}

Scalar Scalar::pending(PendingSlot slot) {
  Scalar s;
  s.later_ = [slot] { return slot.read(); };
  return s;
}

// Known operands combine at once; a pending one defers the arithmetic to the read.
#define LATENT_SCALAR_OPERATOR(op)                                   \
  Scalar operator op(const Scalar& a, const Scalar& b) {             \
    if (a.known() && b.known()) return Scalar(a.known_ op b.known_); \
    Scalar s;                                                        \
    s.later_ = [a, b] { return a.value() op b.value(); };            \
    return s;                                                        \
  }
LATENT_SCALAR_OPERATOR(+)
LATENT_SCALAR_OPERATOR(-)
LATENT_SCALAR_OPERATOR(*)
LATENT_SCALAR_OPERATOR(/)
#undef LATENT_SCALAR_OPERATOR

}  // namespace latent
