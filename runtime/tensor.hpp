#pragma once
// Tensor: float32 storage of up to 4 dimensions on one device.
//
// A tensor either owns its storage or is a view into storage owned elsewhere (the parameter
// store, a slice of a batch). Copies are never implicit: copying is deleted, `view()` aliases
// and `copy_from()` copies explicitly. `resize()` keeps the allocation when it is big enough,
// so buffers reused across steps allocate nothing in steady state.
#include <memory>

#include "runtime/device.hpp"
#include "runtime/shape.hpp"

namespace latent {

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(const Shape& shape, Device device = Device::kCpu);  // zero-filled
  Tensor(Tensor&&) noexcept = default;
  Tensor& operator=(Tensor&&) noexcept = default;
  Tensor(const Tensor&) = delete;
  Tensor& operator=(const Tensor&) = delete;

  // A non-owning tensor over `data`; the caller keeps the storage alive.
  static Tensor wrap(float* data, const Shape& shape, Device device = Device::kCpu);

  const Shape& shape() const { return shape_; }
  int rank() const { return shape_.rank(); }
  int64_t dim(int i) const { return shape_[i]; }
  int64_t numel() const { return shape_.numel(); }
  Device device() const { return device_; }
  bool empty() const { return numel() == 0; }
  bool owns_storage() const { return owner_ != nullptr; }

  float* data() { return data_; }
  const float* data() const { return data_; }

  // Aliases the same storage (no copy).
  Tensor view() const;
  // Rows [begin, end) of the first dimension, aliasing the same storage.
  Tensor slice(int64_t begin, int64_t end) const;
  // Same storage, new shape with the same number of elements.
  void reshape(const Shape& shape);
  // New shape; reallocates (zero-filled) only when the current allocation is too small.
  // Only for owning tensors.
  void resize(const Shape& shape);
  // resize() on `device`: storage on another device is dropped and made anew there (a layer's
  // buffers follow its input's device; on the tensor's own device this is plain resize()).
  void resize(const Shape& shape, Device device);
  // Re-points this tensor at external storage (the parameter store adopting a layer's
  // parameter), dropping any storage it owned; with `device`, storage on that device.
  void rebind(float* data);
  void rebind(float* data, Device device);

  // Physical layout of a 4-d [N, C, H, W] tensor: channels last (NHWC in memory) or, by default,
  // NCHW. The shape is always written [N, C, H, W]; ops read this flag to describe the memory
  // (channels-last convolution kernels need no reorders around them). Views and slices keep it;
  // a reshape that changes the shape drops it (only plain data may be reinterpreted).
  bool channels_last() const { return channels_last_; }
  void set_channels_last(bool on) { channels_last_ = on && shape_.rank() == 4 && shape_[1] > 1; }

  // A count of the writes to values that several tensors view (a parameter store's, which
  // shares it with each parameter's view): a backend may keep a converted copy of a parameter
  // (bf16 weights) for as long as the count stays put. Whole-tensor writes through ops (fill,
  // copy, copy_from_host, axpy, scale) note themselves; the store's other writers (an optimizer
  // update, a checkpoint read, a broadcast through host memory) call note_written(); views and
  // slices share the count. Tensors without one (0 from write_count()) are converted at every use.
  // Counts are unique in the process (a new store at a freed one's address never repeats its
  // count).
  void track_writes();
  void share_write_count(const Tensor& from) { writes_ = from.writes_; }
  uint64_t write_count() const { return writes_ ? *writes_ : 0; }
  void note_written();

  void copy_from(const Tensor& src);  // same numel, explicit copy
  // Storage allocations made by all tensors so far (tests check steady-state steps make none).
  static int64_t allocation_count();
  void fill(float value);
  void zero() { fill(0.0f); }

 private:
  // Zeroes the whole allocation (new storage), through ops so it runs on the tensor's device.
  void zero_capacity();

  Shape shape_;
  Device device_ = Device::kCpu;
  float* data_ = nullptr;
  std::shared_ptr<float> owner_;
  int64_t capacity_ = 0;
  bool channels_last_ = false;
  std::shared_ptr<uint64_t> writes_;
};

}  // namespace latent
