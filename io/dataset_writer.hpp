#pragma once
// Writes a dataset file in the layout StreamingDataset reads: /images (N, ...sample_shape) and
// optionally /labels (N) int32, both chunked (and gzip-compressed unless asked not to), appended
// sample by sample
// without knowing N up front. The file appears at its path only when close() succeeds (written
// to a temporary file and renamed), so a failed conversion never leaves a half file.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/shape.hpp"

namespace latent {

enum class SampleType { kUint8, kFloat32 };

// How the samples are stored (`latent convert --compression`, `--dtype`).
struct StorageOptions {
  // 1..9: gzip at that level; 0: no compression (each rank of a many-rank run reads its chunks
  // without decompressing them).
  int gzip_level = 4;
  // Store uint8 samples as float32 scaled to [0, 1] (what the reader makes of uint8 anyway);
  // otherwise uint8 stays uint8, four times smaller.
  bool uint8_as_float32 = false;
  // Float samples are multiplied by this as they are written (1/255: 0..255 values to [0, 1]).
  float scale = 1.0f;
};
// "none" or "gzip" / "gzip=LEVEL" (LEVEL 1..9); UserError naming the value otherwise.
int parse_compression(const std::string& text);

class DatasetWriter {
 public:
  // sample_shape: (C, H, W) or (D). `source` names the input in errors (NaN/Inf in float
  // samples are refused: "<source>: sample 12 holds NaN").
  DatasetWriter(const std::string& path, const Shape& sample_shape, SampleType type,
                bool with_labels, const std::string& source = "",
                const StorageOptions& storage = {});
  ~DatasetWriter();  // abandons (deletes) the temporary file unless close() ran
  DatasetWriter(const DatasetWriter&) = delete;
  DatasetWriter& operator=(const DatasetWriter&) = delete;

  // n samples of sample_shape().numel() values each (uint8_t or float as constructed); labels
  // holds n labels when the writer has labels, else is ignored.
  void append(const void* samples, int64_t n, const int* labels);
  // Attaches a string attribute to /labels (e.g. "names": the sub-folder of each label).
  void set_label_names(const std::vector<std::string>& names);
  int64_t rows() const;
  // "uint8" or "float32": the type the file holds.
  const char* stored_type() const;
  int64_t chunk_rows() const;
  // Writes what is buffered, closes and moves the file into place.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace latent
