#include "io/dataset_writer.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "io/atomic_file.hpp"
#include "io/disk_space.hpp"
#include "io/hdf5_handle.hpp"
#include "io/output_path.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

// Chunks of about 1 MiB: big enough for fast sequential reads, small enough for HDF5's default
// 1 MiB chunk cache and for fine-grained chunk shuffling.
constexpr int64_t kChunkBytes = 1 << 20;

h5::Handle create_growing(hid_t file, const char* name, hid_t type, const std::vector<hsize_t>& row,
                          int64_t chunk_rows, bool shuffle_filter, int gzip_level) {
  std::vector<hsize_t> dims = row, max = row, chunk = row;
  dims[0] = 0;
  max[0] = H5S_UNLIMITED;
  chunk[0] = static_cast<hsize_t>(chunk_rows);
  h5::Handle space = h5::dataspace(
      H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max.data()), "H5Screate");
  h5::Handle dcpl = h5::plist(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate");
  h5::check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), "H5Pset_chunk");
  if (gzip_level > 0) {
    if (shuffle_filter) h5::check(H5Pset_shuffle(dcpl.get()), "H5Pset_shuffle");
    h5::check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(gzip_level)), "H5Pset_deflate");
  }
  return h5::dataset(
      H5Dcreate2(file, name, type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      std::string("H5Dcreate2 ") + name);
}

}  // namespace

int parse_compression(const std::string& text) {
  if (text == "none") return 0;
  if (text == "gzip") return StorageOptions{}.gzip_level;
  if (text.size() == 6 && text.rfind("gzip=", 0) == 0 && text[5] >= '1' && text[5] <= '9')
    return text[5] - '0';
  throw UserError("--compression " + text + ": expected none, gzip or gzip=LEVEL (LEVEL 1..9)");
}

struct DatasetWriter::Impl {
  std::string path, temporary, source;
  Shape sample_shape;
  SampleType input_type;  // what append() is given
  SampleType type;        // what the file holds
  bool with_labels;
  float scale = 1.0f;
  int64_t value_bytes, sample_bytes, chunk_rows;
  std::vector<hsize_t> image_row, label_row{1};
  h5::Handle file, images, labels;
  // Samples not yet written, flushed a chunk at a time.
  std::vector<uint8_t> pending;
  std::vector<int> pending_labels;
  int64_t pending_rows = 0, written = 0;
  bool closed = false;

  void flush() {
    if (pending_rows == 0) return;
    h5::append_rows(images.get(), type == SampleType::kUint8 ? H5T_NATIVE_UINT8 : H5T_NATIVE_FLOAT,
                    std::vector<int64_t>(image_row.begin() + 1, image_row.end()), written,
                    pending_rows, pending.data());
    if (with_labels)
      h5::append_rows(labels.get(), H5T_NATIVE_INT, {}, written, pending_rows,
                      pending_labels.data());
    written += pending_rows;
    pending_rows = 0;
  }
};

DatasetWriter::DatasetWriter(const std::string& path, const Shape& sample_shape, SampleType type,
                             bool with_labels, const std::string& source,
                             const StorageOptions& storage)
    : impl_(std::make_unique<Impl>()) {
  h5::silence_errors();
  Impl& m = *impl_;
  m.path = resolve_output_path(path);
  m.temporary = temporary_path_for(m.path);
  m.source = source.empty() ? path : source;
  m.sample_shape = sample_shape;
  m.input_type = type;
  m.type = storage.uint8_as_float32 ? SampleType::kFloat32 : type;
  if (storage.gzip_level < 0 || storage.gzip_level > 9)
    throw UserError(path + ": gzip level " + std::to_string(storage.gzip_level) +
                    "; expected 0 (none) to 9");
  m.with_labels = with_labels;
  m.scale = storage.scale;
  if (!(storage.scale > 0) || !std::isfinite(storage.scale))
    throw UserError(path + ": scale " + std::to_string(storage.scale) +
                    "; expected a positive number");
  if (storage.scale != 1.0f && type == SampleType::kUint8)
    throw UserError(path +
                    ": the source holds uint8 values, which are scaled to [0, 1] "
                    "already; --scale applies to float sources");
  m.value_bytes = m.type == SampleType::kUint8 ? 1 : 4;
  m.sample_bytes = sample_shape.numel() * m.value_bytes;
  if (m.sample_bytes == 0)
    throw UserError(path + ": cannot write samples of shape " + sample_shape.str() + " (empty)");
  m.chunk_rows = std::max<int64_t>(1, kChunkBytes / m.sample_bytes);
  m.image_row.push_back(1);
  for (int i = 0; i < sample_shape.rank(); ++i) m.image_row.push_back(sample_shape[i]);

  hid_t f = H5Fcreate(m.temporary.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0) throw UserError(path + ": cannot create (does the folder exist and is it writable?)");
  m.file = h5::Handle(f, H5Fclose);
  m.images =
      create_growing(f, "images", m.type == SampleType::kUint8 ? H5T_STD_U8LE : H5T_IEEE_F32LE,
                     m.image_row, m.chunk_rows, m.type == SampleType::kFloat32, storage.gzip_level);
  if (with_labels)
    m.labels = create_growing(f, "labels", H5T_STD_I32LE, m.label_row,
                              std::max<int64_t>(m.chunk_rows, 4096), false, storage.gzip_level);
  m.pending.resize(m.chunk_rows * m.sample_bytes);
  m.pending_labels.resize(m.chunk_rows);
}

DatasetWriter::~DatasetWriter() {
  if (!impl_->closed) {
    impl_->labels.reset();
    impl_->images.reset();
    impl_->file.reset();
    discard_file(impl_->temporary);
  }
}

void DatasetWriter::append(const void* samples, int64_t n, const int* labels) {
  h5::naming_full_disk(impl_->path, [&] {
    Impl& m = *impl_;
    const uint8_t* src = static_cast<const uint8_t*>(samples);
    if (m.input_type == SampleType::kFloat32) {
      const float* f = static_cast<const float*>(samples);
      const int64_t per = m.sample_shape.numel();
      for (int64_t i = 0; i < n * per; ++i)
        if (!std::isfinite(f[i]))
          throw UserError(m.source + ": sample " + std::to_string(rows() + i / per) + " holds " +
                          (std::isnan(f[i]) ? "NaN" : "Inf") + "; expected finite values");
    }
    const int64_t in_bytes =
        m.input_type == SampleType::kUint8 ? m.sample_shape.numel() : m.sample_bytes;
    for (int64_t i = 0; i < n;) {
      const int64_t take = std::min(n - i, m.chunk_rows - m.pending_rows);
      uint8_t* dst = m.pending.data() + m.pending_rows * m.sample_bytes;
      if (m.input_type == m.type) {
        std::memcpy(dst, src + i * m.sample_bytes, take * m.sample_bytes);
        if (m.type == SampleType::kFloat32 && m.scale != 1.0f) {
          float* f = reinterpret_cast<float*>(dst);
          for (int64_t k = 0; k < take * m.sample_shape.numel(); ++k) f[k] *= m.scale;
        }
      } else {  // uint8 stored as float32 in [0, 1], as the reader would scale it
        const uint8_t* u = src + i * in_bytes;
        float* f = reinterpret_cast<float*>(dst);
        for (int64_t k = 0; k < take * m.sample_shape.numel(); ++k) f[k] = u[k] * (1.0f / 255.0f);
      }
      if (m.with_labels) std::copy_n(labels + i, take, m.pending_labels.data() + m.pending_rows);
      m.pending_rows += take;
      i += take;
      if (m.pending_rows == m.chunk_rows) m.flush();
    }
  });
}

void DatasetWriter::set_label_names(const std::vector<std::string>& names) {
  Impl& m = *impl_;
  if (!m.with_labels) return;
  std::string joined;
  for (size_t i = 0; i < names.size(); ++i) joined += (i ? "," : "") + names[i];
  h5::Handle type = h5::datatype(H5Tcopy(H5T_C_S1), "H5Tcopy");
  H5Tset_size(type.get(), std::max<size_t>(1, joined.size()));
  h5::Handle space = h5::dataspace(H5Screate(H5S_SCALAR), "H5Screate");
  h5::Handle attr = h5::attribute(
      H5Acreate2(m.labels.get(), "names", type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
      "H5Acreate2 names");
  h5::check(H5Awrite(attr.get(), type.get(), joined.c_str()), "H5Awrite names");
}

int64_t DatasetWriter::rows() const {
  return impl_->written + impl_->pending_rows;
}
const char* DatasetWriter::stored_type() const {
  return impl_->type == SampleType::kUint8 ? "uint8" : "float32";
}
int64_t DatasetWriter::chunk_rows() const {
  return impl_->chunk_rows;
}

void DatasetWriter::close() {
  h5::naming_full_disk(impl_->path, [&] {
    Impl& m = *impl_;
    if (m.closed) return;
    if (rows() == 0) throw UserError(m.path + ": no samples to write");
    m.flush();
    m.labels.reset();
    m.images.reset();
    if (H5Fflush(m.file.get(), H5F_SCOPE_GLOBAL) < 0 || H5Fclose(m.file.release()) < 0) {
      if (is_out_of_space(errno)) h5::throw_no_space(m.path);
      throw UserError(m.path + ": writing failed");
    }
    commit_file(m.temporary, m.path);
    m.closed = true;
  });
}

}  // namespace latent
