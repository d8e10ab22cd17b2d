#pragma once
// Plain n-d arrays in HDF5 files, in any layout: to build test files the way other tools do
// (contiguous, chunked, gzip, odd types) and to read a dataset's stored bytes in one H5Dread
// (the baseline bench_streaming measures against).
#include <cstdint>
#include <string>
#include <vector>

namespace latent {

// kFloat16: IEEE binary16 values given as their 16-bit patterns (uint16_t), stored as HDF5's
// 2-byte float (what h5py writes for numpy's float16).
enum class ArrayType { kUint8, kInt16, kInt32, kInt64, kFloat16, kFloat32, kFloat64 };

struct ArrayLayout {
  int64_t chunk_rows = 0;  // 0: contiguous; else chunks of this many rows (whole other dims)
  int gzip_level = 0;      // 0: none (needs chunk_rows > 0)
};

// Writes dataset `name` (intermediate groups created) into `path`, creating the file when it
// does not exist, replacing nothing: the dataset must be new.
void write_array(const std::string& path, const std::string& name, const std::vector<int64_t>& dims,
                 ArrayType type, const void* data, ArrayLayout layout = {});

// The whole dataset in its stored type's native form, with one H5Dread.
std::vector<uint8_t> read_array_bytes(const std::string& path, const std::string& name);

}  // namespace latent
