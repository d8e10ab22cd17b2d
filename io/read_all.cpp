#include "io/read_all.hpp"

#include <algorithm>

#include "io/dataset_file.hpp"
#include "runtime/error.hpp"

namespace latent {

LoadedDataset read_all(const DatasetSpec& spec) {
  DatasetFile file(spec);
  const int64_t n = file.rows();
  std::vector<int> labels(file.has_labels() ? n : 0);
  if (file.has_labels()) file.read_labels(0, n, labels.data());

  std::vector<int> classes = spec.classes;
  std::sort(classes.begin(), classes.end());
  std::vector<int64_t> keep;
  for (int64_t i = 0; i < n; ++i)
    if ((classes.empty() || std::binary_search(classes.begin(), classes.end(), labels[i])) &&
        spec.keeps_row(i))
      keep.push_back(i);
  if (keep.empty()) throw UserError(spec.path + ": no samples with the requested classes");

  LoadedDataset out;
  const Shape& s = file.sample_shape();
  const int64_t kept = static_cast<int64_t>(keep.size());
  out.images = Tensor(s.batch_of(kept));
  // A bounded slice at a time, so the raw copy never doubles the memory of a large file.
  const int64_t raw_bytes = file.raw_sample_bytes();
  const int64_t rows_per_read = std::max<int64_t>(1, (16 << 20) / raw_bytes);
  std::vector<uint8_t> raw(std::min(n, rows_per_read) * raw_bytes);
  size_t k = 0;
  for (int64_t begin = 0; begin < n; begin += rows_per_read) {
    const int64_t end = std::min(n, begin + rows_per_read);
    file.read_raw_range(begin, end, raw.data());
    for (; k < keep.size() && keep[k] < end; ++k)
      file.to_float(raw.data() + (keep[k] - begin) * raw_bytes, keep[k],
                    out.images.data() + static_cast<int64_t>(k) * file.sample_floats());
  }
  if (file.has_labels())
    for (size_t i = 0; i < keep.size(); ++i) out.labels.push_back(labels[keep[i]]);
  return out;
}

}  // namespace latent
