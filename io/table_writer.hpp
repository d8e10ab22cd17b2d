#pragma once
// Writes the output of an application command: several float32 datasets with one row per
// sample (/latent (N, K), /images (N, C, H, W), /error (N), ...) and optionally /labels (N)
// int32, appended row by row, chunked and gzip-compressed. Like DatasetWriter, the file
// appears at its path only when close() succeeds, so a failed run never leaves a half file;
// and /images written here is a dataset StreamingDataset reads (one command's output is the
// next one's input).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace latent {

struct TableColumn {
  std::string name;                // dataset name, e.g. "latent"
  std::vector<int64_t> row_shape;  // one row's dims: {} for a scalar per sample, {K}, {C, H, W}
  int64_t row_floats() const;      // product of row_shape (1 for a scalar)
};

class TableWriter {
 public:
  TableWriter(const std::string& path, std::vector<TableColumn> columns, bool with_labels);
  ~TableWriter();  // abandons the temporary file unless close() ran
  TableWriter(const TableWriter&) = delete;
  TableWriter& operator=(const TableWriter&) = delete;

  const std::vector<TableColumn>& columns() const;
  bool with_labels() const;
  // n rows: columns[c] holds n * columns()[c].row_floats() values (NaN/Inf refused, naming
  // the dataset and row); labels holds n labels when the table has them.
  void append(int64_t n, const std::vector<const float*>& columns, const int* labels);
  int64_t rows() const;
  // Writes what is buffered, closes and moves the file into place.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace latent
