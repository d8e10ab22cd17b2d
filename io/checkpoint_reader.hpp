#pragma once
// Reads a checkpoint written by CheckpointWriter (or by anything writing the same layout).
// Every mismatch is a UserError naming the checkpoint, the path, and expected vs found.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/tensor.hpp"

namespace latent {

class CheckpointReader {
 public:
  explicit CheckpointReader(const std::string& path);
  ~CheckpointReader();
  CheckpointReader(const CheckpointReader&) = delete;
  CheckpointReader& operator=(const CheckpointReader&) = delete;

  const std::string& path() const;
  // Absolute paths of every dataset (tensors and integer arrays), sorted.
  std::vector<std::string> tensor_names() const;
  bool has(const std::string& name) const;
  Shape shape(const std::string& name) const;

  // Reads `name` into `into`, whose shape is what the caller expects: a missing path or a
  // different shape is a UserError ("... /params/enc/fc1/weight: model expects (64, 784),
  // checkpoint has (32, 784)").
  void read_tensor(const std::string& name, Tensor& into) const;
  // Reads `name` into a new tensor of its stored shape.
  Tensor read_tensor(const std::string& name) const;
  std::vector<int64_t> read_ints(const std::string& name) const;

  std::vector<std::string> meta_keys() const;
  bool has_meta(const std::string& key) const;
  std::string meta_string(const std::string& key) const;
  int64_t meta_int(const std::string& key) const;
  double meta_float(const std::string& key) const;
  // UserError unless meta `key` equals `expected` ("checkpoint F was written for model 'vae';
  // this run builds 'gan'").
  void expect_meta(const std::string& key, const std::string& expected) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace latent
