#pragma once
// Shared helpers of the io tests: a scratch folder per test and small dataset files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "io/array_file.hpp"
#include "io/dataset_spec.hpp"
#include "runtime/error.hpp"

namespace latent::test {

// A fresh folder under $TMPDIR (or /tmp), removed with its files when the test ends.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base ? base : "/tmp") + "/latent_io_test_XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = buf.data();
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The message of the UserError that f throws, or "<no UserError>".
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "<no UserError>";
}

inline DatasetSpec file_spec(const std::string& path) {
  DatasetSpec spec;
  spec.path = path;
  return spec;
}

// A float dataset of n samples of `width` values: value j of sample i is i + j / 1000, so a
// sample names its row; labels are i % classes.
inline void write_indexed_file(const std::string& path, int64_t n, int64_t width,
                               ArrayLayout layout, int classes = 10) {
  std::vector<float> images(n * width);
  std::vector<int32_t> labels(n);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < width; ++j) images[i * width + j] = i + j / 1000.0f;
    labels[i] = static_cast<int32_t>(i % classes);
  }
  write_array(path, "images", {n, width}, ArrayType::kFloat32, images.data(), layout);
  write_array(path, "labels", {n}, ArrayType::kInt32, labels.data(), layout);
}

}  // namespace latent::test
