#include "runtime/tensor.hpp"

#include "runtime/ops.hpp"

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <string>

#include "runtime/device.hpp"
#ifdef LATENT_WITH_CUDA
#include "runtime/cuda/device_allocator.hpp"
#endif

namespace latent {
namespace {

std::atomic<int64_t> allocations{0};

// Uninitialised storage for n floats; the caller zeroes it through ops (on its device).
std::shared_ptr<float> allocate(int64_t n, Device device) {
  ++allocations;
  if (device != Device::kCpu) {
    const std::string why = device_unavailable_reason(device);
    if (!why.empty())
      throw std::runtime_error(std::string("--device ") + device_name(device) + ": " + why);
#ifdef LATENT_WITH_CUDA
    return std::shared_ptr<float>(
        static_cast<float*>(cuda::device_alloc(static_cast<size_t>(n) * sizeof(float))),
        [](float* q) { cuda::device_free(q); });
#endif
  }
  // 64-byte alignment suits oneDNN's vector kernels.
  void* p = nullptr;
  size_t bytes = std::max<int64_t>(n, 1) * sizeof(float);
  bytes = (bytes + 63) / 64 * 64;
  if (posix_memalign(&p, 64, bytes) != 0) throw std::bad_alloc();
  return std::shared_ptr<float>(static_cast<float*>(p), [](float* q) { free(q); });
}

}  // namespace

Tensor::Tensor(const Shape& shape, Device device) : shape_(shape), device_(device) {
  capacity_ = shape.numel();
  owner_ = allocate(capacity_, device);
  data_ = owner_.get();
  zero_capacity();
}

void Tensor::zero_capacity() {
  Tensor all = wrap(data_, Shape{capacity_}, device_);
  ops::fill(all, 0.0f);
}

Tensor Tensor::wrap(float* data, const Shape& shape, Device device) {
  Tensor t;
  t.shape_ = shape;
  t.device_ = device;
  t.data_ = data;
  return t;
}

namespace {
std::atomic<uint64_t> last_write_count{0};
}

void Tensor::track_writes() {
  writes_ = std::make_shared<uint64_t>(++last_write_count);
}

void Tensor::note_written() {
  if (writes_) *writes_ = ++last_write_count;
}

Tensor Tensor::view() const {
  Tensor t = wrap(data_, shape_, device_);
  t.channels_last_ = channels_last_;
  t.writes_ = writes_;
  return t;
}

Tensor Tensor::slice(int64_t begin, int64_t end) const {
  if (rank() == 0 || begin < 0 || end > shape_[0] || begin > end)
    throw std::out_of_range("Tensor::slice: rows [" + std::to_string(begin) + ", " +
                            std::to_string(end) + ") of " + shape_.str());
  Shape s = shape_;
  s[0] = end - begin;
  Tensor t = wrap(data_ + begin * shape_.per_sample(), s, device_);
  t.channels_last_ = channels_last_;
  t.writes_ = writes_;
  return t;
}

void Tensor::reshape(const Shape& shape) {
  if (shape.numel() != numel())
    throw std::invalid_argument("Tensor::reshape: " + shape_.str() + " to " + shape.str() +
                                " changes the number of elements");
  if (channels_last_ && !(shape == shape_))
    throw std::logic_error("Tensor::reshape: " + shape_.str() +
                           " is stored channels-last; convert it (ops::copy_layout) first");
  shape_ = shape;
}

void Tensor::resize(const Shape& shape) {
  if (shape.numel() > capacity_) {
    if (data_ != nullptr && !owner_) throw std::logic_error("Tensor::resize: cannot grow a view");
    capacity_ = shape.numel();
    owner_ = allocate(capacity_, device_);
    data_ = owner_.get();
    zero_capacity();
  }
  shape_ = shape;
}

void Tensor::resize(const Shape& shape, Device device) {
  if (device != device_) {
    if (data_ != nullptr && !owner_)
      throw std::logic_error("Tensor::resize: cannot move a view to another device");
    owner_.reset();
    data_ = nullptr;
    capacity_ = 0;
    device_ = device;
  }
  resize(shape);
}

void Tensor::rebind(float* data) {
  rebind(data, device_);
}

void Tensor::rebind(float* data, Device device) {
  owner_.reset();
  capacity_ = 0;
  data_ = data;
  device_ = device;
}

void Tensor::copy_from(const Tensor& src) {
  if (src.numel() != numel())
    throw std::invalid_argument("Tensor::copy_from: " + src.shape().str() + " into " +
                                shape_.str());
  ops::copy(src, *this);
}

int64_t Tensor::allocation_count() {
  return allocations.load();
}

void Tensor::fill(float value) {
  ops::fill(*this, value);
}

}  // namespace latent
