#pragma once
// Writes a checkpoint: named float tensors and integer arrays at HDF5 paths such as
// /params/<network>/<layer>/<name>, /optim/<network>/..., /rng/..., plus string and integer
// attributes on the /meta group (model, arch, config, step, epoch, world size).
//
// io knows tensors, not models: the model decides the names. Plain datasets and attributes
// (UTF-8 variable-length strings, int64, float32), so h5py reads it with no help.
//
// The file is written under a temporary name in the target's folder; commit() flushes,
// closes, fsyncs and renames it over the target. Until then an older checkpoint at the path
// is untouched, and an abandoned writer deletes its temporary file.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/tensor.hpp"

namespace latent {

class CheckpointWriter {
 public:
  explicit CheckpointWriter(const std::string& path);
  ~CheckpointWriter();
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;

  // `name` is an absolute path ("/params/enc/fc1/weight"); groups are created as needed.
  void write_tensor(const std::string& name, const Tensor& tensor);
  void write_ints(const std::string& name, const std::vector<int64_t>& values);
  void set_meta(const std::string& key, const std::string& value);
  void set_meta(const std::string& key, const char* value) { set_meta(key, std::string(value)); }
  void set_meta(const std::string& key, int64_t value);
  void set_meta_float(const std::string& key, double value);
  // Makes the checkpoint durable and moves it into place.
  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace latent
