#include "io/table_writer.hpp"

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

constexpr int64_t kChunkBytes = 1 << 20;  // as DatasetWriter: fast reads, fits HDF5's cache

std::vector<hsize_t> file_dims(const std::vector<int64_t>& row_shape, int64_t rows) {
  std::vector<hsize_t> d{static_cast<hsize_t>(rows)};
  for (int64_t v : row_shape) d.push_back(static_cast<hsize_t>(v));
  return d;
}

h5::Handle create_growing(hid_t file, const std::string& name, hid_t type,
                          const std::vector<int64_t>& row_shape, int64_t chunk_rows) {
  std::vector<hsize_t> dims = file_dims(row_shape, 0), max = dims,
                       chunk = file_dims(row_shape, chunk_rows);
  max[0] = H5S_UNLIMITED;
  h5::Handle space = h5::dataspace(
      H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max.data()), "H5Screate");
  h5::Handle dcpl = h5::plist(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate");
  h5::check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), "H5Pset_chunk");
  h5::check(H5Pset_shuffle(dcpl.get()), "H5Pset_shuffle");
  h5::check(H5Pset_deflate(dcpl.get(), 4), "H5Pset_deflate");
  return h5::dataset(
      H5Dcreate2(file, name.c_str(), type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      "H5Dcreate2 " + name);
}

}  // namespace

int64_t TableColumn::row_floats() const {
  int64_t n = 1;
  for (int64_t v : row_shape) n *= v;
  return n;
}

struct TableWriter::Impl {
  std::string path, temporary;
  std::vector<TableColumn> columns;
  bool with_labels = false;
  int64_t chunk_rows = 1;
  h5::Handle file, labels;
  std::vector<h5::Handle> datasets;
  // Rows not yet written, flushed a chunk at a time.
  std::vector<std::vector<float>> pending;
  std::vector<int> pending_labels;
  int64_t pending_rows = 0, written = 0;
  bool closed = false;

  void flush() {
    if (pending_rows == 0) return;
    for (size_t c = 0; c < columns.size(); ++c)
      h5::append_rows(datasets[c].get(), H5T_NATIVE_FLOAT, columns[c].row_shape, written,
                      pending_rows, pending[c].data());
    if (with_labels)
      h5::append_rows(labels.get(), H5T_NATIVE_INT, {}, written, pending_rows,
                      pending_labels.data());
    written += pending_rows;
    pending_rows = 0;
  }
};

TableWriter::TableWriter(const std::string& path, std::vector<TableColumn> columns,
                         bool with_labels)
    : impl_(std::make_unique<Impl>()) {
  h5::silence_errors();
  Impl& m = *impl_;
  m.path = resolve_output_path(path);
  m.temporary = temporary_path_for(m.path);
  m.columns = std::move(columns);
  m.with_labels = with_labels;
  int64_t row_bytes = 4 * with_labels;
  for (const TableColumn& c : m.columns) row_bytes += 4 * c.row_floats();
  if (row_bytes == 0) throw UserError(path + ": nothing to write (no datasets)");
  m.chunk_rows = std::max<int64_t>(1, kChunkBytes / row_bytes);

  hid_t f = H5Fcreate(m.temporary.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0) throw UserError(path + ": cannot create (does the folder exist and is it writable?)");
  m.file = h5::Handle(f, H5Fclose);
  for (const TableColumn& c : m.columns) {
    m.datasets.push_back(create_growing(f, c.name, H5T_IEEE_F32LE, c.row_shape, m.chunk_rows));
    m.pending.emplace_back(m.chunk_rows * c.row_floats());
  }
  if (with_labels) {
    m.labels = create_growing(f, "labels", H5T_STD_I32LE, {}, m.chunk_rows);
    m.pending_labels.resize(m.chunk_rows);
  }
}

TableWriter::~TableWriter() {
  if (!impl_->closed) {
    impl_->labels.reset();
    impl_->datasets.clear();
    impl_->file.reset();
    discard_file(impl_->temporary);
  }
}

const std::vector<TableColumn>& TableWriter::columns() const {
  return impl_->columns;
}
bool TableWriter::with_labels() const {
  return impl_->with_labels;
}
int64_t TableWriter::rows() const {
  return impl_->written + impl_->pending_rows;
}

void TableWriter::append(int64_t n, const std::vector<const float*>& columns, const int* labels) {
  h5::naming_full_disk(impl_->path, [&] {
    Impl& m = *impl_;
    if (columns.size() != m.columns.size())
      throw std::logic_error("TableWriter::append: wrong number of columns");
    for (size_t c = 0; c < columns.size(); ++c) {
      const int64_t per = m.columns[c].row_floats();
      for (int64_t i = 0; i < n * per; ++i)
        if (!std::isfinite(columns[c][i]))
          throw UserError(m.path + ": /" + m.columns[c].name + " row " +
                          std::to_string(rows() + i / per) + " would hold " +
                          (std::isnan(columns[c][i]) ? "NaN" : "Inf") + " (the model diverged?)");
    }
    for (int64_t i = 0; i < n;) {
      const int64_t take = std::min(n - i, m.chunk_rows - m.pending_rows);
      for (size_t c = 0; c < columns.size(); ++c) {
        const int64_t per = m.columns[c].row_floats();
        std::memcpy(m.pending[c].data() + m.pending_rows * per, columns[c] + i * per,
                    take * per * sizeof(float));
      }
      if (m.with_labels) std::copy_n(labels + i, take, m.pending_labels.data() + m.pending_rows);
      m.pending_rows += take;
      i += take;
      if (m.pending_rows == m.chunk_rows) m.flush();
    }
  });
}

void TableWriter::close() {
  h5::naming_full_disk(impl_->path, [&] {
    Impl& m = *impl_;
    if (m.closed) return;
    m.flush();
    m.labels.reset();
    m.datasets.clear();
    if (H5Fflush(m.file.get(), H5F_SCOPE_GLOBAL) < 0 || H5Fclose(m.file.release()) < 0) {
      if (is_out_of_space(errno)) h5::throw_no_space(m.path);
      throw UserError(m.path + ": writing failed");
    }
    commit_file(m.temporary, m.path);
    m.closed = true;
  });
}

}  // namespace latent
