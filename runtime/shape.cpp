#include "runtime/shape.hpp"

#include <stdexcept>

namespace latent {

Shape::Shape(std::initializer_list<int64_t> dims) {
  if (dims.size() > kMaxRank) throw std::invalid_argument("Shape: more than 4 dimensions");
  for (int64_t d : dims) {
    if (d < 0) throw std::invalid_argument("Shape: negative dimension");
    dims_[rank_++] = d;
  }
}

int64_t Shape::numel() const {
  if (rank_ == 0) return 0;
  int64_t n = 1;
  for (int i = 0; i < rank_; ++i) n *= dims_[i];
  return n;
}

int64_t Shape::per_sample() const {
  int64_t n = 1;
  for (int i = 1; i < rank_; ++i) n *= dims_[i];
  return n;
}

bool Shape::operator==(const Shape& o) const {
  if (rank_ != o.rank_) return false;
  for (int i = 0; i < rank_; ++i)
    if (dims_[i] != o.dims_[i]) return false;
  return true;
}

std::string Shape::str() const {
  std::string s = "(";
  for (int i = 0; i < rank_; ++i) {
    if (i) s += ", ";
    s += std::to_string(dims_[i]);
  }
  return s + ")";
}

Shape Shape::batch_of(int64_t n) const {
  Shape b;
  b.rank_ = rank_ + 1;
  if (b.rank_ > kMaxRank) throw std::invalid_argument("Shape::batch_of: " + str() + " has no room");
  b.dims_[0] = n;
  for (int i = 0; i < rank_; ++i) b.dims_[i + 1] = dims_[i];
  return b;
}

Shape Shape::sample_of_dims(const std::vector<int64_t>& d) {
  if (d.size() == 2) return Shape{d[1]};
  if (d.size() == 3) return Shape{1, d[1], d[2]};
  if (d.size() == 4) return Shape{d[1], d[2], d[3]};
  return Shape();
}

}  // namespace latent
