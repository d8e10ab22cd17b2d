#pragma once
// One validated image dataset (and its labels) in an HDF5 file, read by rows.
//
// Internal to io/: the streaming dataset and read_all build on it. Validation happens in the
// constructor (missing file, not HDF5, missing dataset, wrong rank, wrong type, empty, labels
// length); NaN/Inf are found as rows are read, since a full scan would read the whole file.
#include <cstdint>
#include <string>
#include <vector>

#include "io/dataset_spec.hpp"
#include "io/hdf5_handle.hpp"
#include "runtime/shape.hpp"

namespace latent {

class DatasetFile {
 public:
  explicit DatasetFile(const DatasetSpec& spec);

  const DatasetSpec& spec() const { return spec_; }
  int64_t rows() const { return rows_; }
  // One sample: (C, H, W) or (D).
  const Shape& sample_shape() const { return sample_shape_; }
  int64_t sample_floats() const { return sample_shape_.numel(); }
  // Bytes of one sample as read from the file (uint8: 1 per value, float: 4).
  int64_t raw_sample_bytes() const { return sample_floats() * (is_uint8_ ? 1 : 4); }
  bool has_labels() const { return labels_.valid(); }
  // The images' type as stored ("uint8", "float16", "float32", "float64").
  const std::string& stored_type() const { return stored_type_; }
  // Rows per HDF5 chunk; 0 when the images are stored contiguously.
  int64_t chunk_rows() const { return chunk_rows_; }

  // labels[begin, end) into out.
  void read_labels(int64_t begin, int64_t end, int* out) const;
  // Raw rows [begin, end) into raw (raw_sample_bytes() per row).
  void read_raw_range(int64_t begin, int64_t end, void* raw) const;
  // One raw row (at `raw`, file row `row`) to floats: uint8 scaled to [0, 1], float checked
  // for NaN/Inf (UserError naming the file, dataset and row).
  void to_float(const void* raw, int64_t row, float* out) const;

 private:
  void check_storage_holds_rows(const std::string& path, const std::string& iname,
                                const std::vector<int64_t>& dims) const;

  DatasetSpec spec_;
  h5::Handle file_, images_, labels_;
  Shape sample_shape_;
  int64_t rows_ = 0;
  int64_t chunk_rows_ = 0;
  bool is_uint8_ = false;
  int64_t stored_value_bytes_ = 4;  // one value in the file (float16: 2)
  std::string stored_type_;
};

}  // namespace latent
