#pragma once
// Shape of a tensor: up to 4 dimensions, row-major (N,D) or (N,C,H,W).
#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace latent {

class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims);
  static constexpr int kMaxRank = 4;

  int rank() const { return rank_; }
  int64_t operator[](int i) const { return dims_[i]; }
  int64_t& operator[](int i) { return dims_[i]; }
  int64_t numel() const;
  // Elements per sample: product of all dimensions but the first.
  int64_t per_sample() const;
  bool operator==(const Shape& o) const;
  bool operator!=(const Shape& o) const { return !(*this == o); }
  std::string str() const;  // "(128, 1, 28, 28)"

  // n samples of this (per-sample) shape: (D) → (n, D), (C, H, W) → (n, C, H, W).
  Shape batch_of(int64_t n) const;
  // The per-sample shape of a dataset of these dims: (N, D) → (D), (N, H, W) → (1, H, W) (one
  // channel), (N, C, H, W) → (C, H, W); an empty Shape for any other rank.
  static Shape sample_of_dims(const std::vector<int64_t>& dims);

 private:
  int rank_ = 0;
  std::array<int64_t, kMaxRank> dims_{};
};

}  // namespace latent
