#include "io/dataset_file.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "runtime/error.hpp"
#include "runtime/finite_floats.hpp"
#include "runtime/vector_clones.hpp"

namespace latent {
namespace {

std::string dims_str(const std::vector<int64_t>& d) {
  std::string s = "(";
  for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
  return s + ")";
}

// Selects rows [begin, end) of a dataset of shape `d` in `space`.
void select_rows(hid_t space, const std::vector<int64_t>& d, int64_t begin, int64_t end) {
  std::vector<hsize_t> start(d.size(), 0), count(d.begin(), d.end());
  start[0] = static_cast<hsize_t>(begin);
  count[0] = static_cast<hsize_t>(end - begin);
  h5::check(
      H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
      "H5Sselect_hyperslab");
}

LATENT_VECTOR_CLONES void scale_uint8(const uint8_t* __restrict p, int64_t n,
                                      float* __restrict out) {
  for (int64_t i = 0; i < n; ++i) out[i] = p[i] * (1.0f / 255.0f);
}

// Conversion callback: a value too large for float32 aborts the read (and is noted).
H5T_conv_ret_t refuse_out_of_range(H5T_conv_except_t kind, hid_t, hid_t, void*, void*,
                                   void* noted) {
  if (kind == H5T_CONV_EXCEPT_RANGE_HI || kind == H5T_CONV_EXCEPT_RANGE_LOW) {
    *static_cast<bool*>(noted) = true;
    return H5T_CONV_ABORT;
  }
  return H5T_CONV_UNHANDLED;
}

h5::Handle memory_space(const std::vector<int64_t>& d, int64_t rows) {
  std::vector<hsize_t> m(d.begin(), d.end());
  m[0] = static_cast<hsize_t>(rows);
  return h5::dataspace(H5Screate_simple(static_cast<int>(m.size()), m.data(), nullptr),
                       "H5Screate_simple");
}

}  // namespace

// A header may promise more rows than the file holds (2^31 rows and no data behind them): found
// here from what HDF5 has allocated, before anyone sizes a buffer or an epoch by `rows`.
void DatasetFile::check_storage_holds_rows(const std::string& path, const std::string& iname,
                                           const std::vector<int64_t>& d) const {
  const hid_t ds = images_.get();
  h5::Handle dcpl = h5::plist(H5Dget_create_plist(ds), "H5Dget_create_plist");
  // Bytes as stored (a float16 value takes 2, whatever it is read as).
  const double promised = static_cast<double>(rows_) * static_cast<double>(sample_floats()) *
                          static_cast<double>(stored_value_bytes_);
  if (H5Pget_layout(dcpl.get()) == H5D_CHUNKED) {
    std::vector<hsize_t> chunk(d.size());
    H5Pget_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data());
    hsize_t expected = 1;
    for (size_t i = 0; i < d.size(); ++i)
      expected *= (static_cast<hsize_t>(d[i]) + chunk[i] - 1) / std::max<hsize_t>(1, chunk[i]);
    hsize_t allocated = 0;
    h5::Handle space = h5::dataspace(H5Dget_space(ds), "H5Dget_space");
    if (H5Dget_num_chunks(ds, space.get(), &allocated) >= 0 && allocated < expected)
      throw UserError(path + ": " + iname + " promises " + std::to_string(rows_) + " samples " +
                      dims_str(d) + " in " + std::to_string(expected) +
                      " chunks, but the file holds only " + std::to_string(allocated) +
                      " of them; expected a complete dataset (was the writer interrupted?)");
    return;
  }
  const double stored = static_cast<double>(H5Dget_storage_size(ds));
  if (H5Pget_layout(dcpl.get()) == H5D_CONTIGUOUS && stored < promised)
    throw UserError(path + ": " + iname + " promises " + std::to_string(rows_) + " samples " +
                    dims_str(d) + " = " + std::to_string(static_cast<int64_t>(promised)) +
                    " bytes, but the file holds " + std::to_string(static_cast<int64_t>(stored)) +
                    " bytes of it; expected a complete dataset");
}

DatasetFile::DatasetFile(const DatasetSpec& spec) : spec_(spec) {
  const std::string& path = spec.path;
  file_ = h5::open_file_readonly(path);
  images_ = h5::open_dataset(file_.get(), path, spec.images_name);
  const std::string iname = h5::absolute(spec.images_name);

  std::vector<int64_t> d = h5::dims(images_.get());
  sample_shape_ = Shape::sample_of_dims(d);
  if (sample_shape_.rank() == 0) {
    throw UserError(path + ": " + iname + " has rank " + std::to_string(d.size()) + ", shape " +
                    dims_str(d) + "; expected (N, C, H, W), (N, H, W) or (N, D)");
  }
  rows_ = d[0];
  if (rows_ == 0 || sample_shape_.numel() == 0)
    throw UserError(path + ": " + iname + " is empty, shape " + dims_str(d));

  h5::Handle type = h5::datatype(H5Dget_type(images_.get()), "H5Dget_type");
  H5T_class_t cls = H5Tget_class(type.get());
  stored_value_bytes_ = static_cast<int64_t>(H5Tget_size(type.get()));
  stored_type_ = h5::type_name(type.get());
  is_uint8_ =
      cls == H5T_INTEGER && stored_value_bytes_ == 1 && H5Tget_sign(type.get()) == H5T_SGN_NONE;
  // HDF5 converts float16 and float64 to the float32 that training reads.
  const bool is_float = cls == H5T_FLOAT && (stored_value_bytes_ == 2 || stored_value_bytes_ == 4 ||
                                             stored_value_bytes_ == 8);
  if (!is_uint8_ && !is_float)
    throw UserError(path + ": " + iname + " has type " + h5::type_name(type.get()) +
                    "; expected uint8 (scaled to [0, 1]) or float16, float32 or float64 (read as "
                    "float32)");
  chunk_rows_ = h5::chunk_rows(images_.get());
  check_storage_holds_rows(path, iname, d);

  bool need_labels = !spec.classes.empty();
  if (!spec.labels_name.empty() && h5::exists(file_.get(), spec.labels_name)) {
    labels_ = h5::open_dataset(file_.get(), path, spec.labels_name);
    const std::string lname = h5::absolute(spec.labels_name);
    std::vector<int64_t> ld = h5::dims(labels_.get());
    if (ld.size() != 1 && !(ld.size() == 2 && ld[1] == 1))
      throw UserError(path + ": " + lname + " has shape " + dims_str(ld) + "; expected (N)");
    h5::Handle ltype = h5::datatype(H5Dget_type(labels_.get()), "H5Dget_type");
    if (H5Tget_class(ltype.get()) != H5T_INTEGER)
      throw UserError(path + ": " + lname + " has type " + h5::type_name(ltype.get()) +
                      "; expected integers");
    if (ld[0] != rows_)
      throw UserError(path + ": " + lname + " has " + std::to_string(ld[0]) + " labels but " +
                      iname + " has " + std::to_string(rows_) + " samples; expected equal");
  } else if (need_labels) {
    throw UserError(path + ": no dataset " + h5::absolute(spec.labels_name) +
                    " in this file; it is needed to filter by classes");
  }
}

void DatasetFile::read_labels(int64_t begin, int64_t end, int* out) const {
  if (end <= begin) return;
  h5::silence_errors();  // reads run on the prefetch thread: latent reports a failure itself
  std::vector<int64_t> d = h5::dims(labels_.get());
  h5::Handle space = h5::dataspace(H5Dget_space(labels_.get()), "H5Dget_space");
  select_rows(space.get(), d, begin, end);
  h5::Handle mem = memory_space(d, end - begin);
  if (H5Dread(labels_.get(), H5T_NATIVE_INT, mem.get(), space.get(), H5P_DEFAULT, out) < 0)
    throw UserError(spec_.path + ": cannot read " + h5::absolute(spec_.labels_name) + " rows " +
                    std::to_string(begin) + ".." + std::to_string(end) +
                    " (the file is truncated or damaged)");
}

void DatasetFile::read_raw_range(int64_t begin, int64_t end, void* raw) const {
  if (end <= begin) return;
  h5::silence_errors();
  std::vector<int64_t> d = h5::dims(images_.get());
  h5::Handle space = h5::dataspace(H5Dget_space(images_.get()), "H5Dget_space");
  select_rows(space.get(), d, begin, end);
  h5::Handle mem = memory_space(d, end - begin);
  hid_t mtype = is_uint8_ ? H5T_NATIVE_UINT8 : H5T_NATIVE_FLOAT;
  // HDF5 would clip a float64 beyond float32's range to ±FLT_MAX without a word: the read fails
  // instead, and says why.
  bool out_of_range = false;
  h5::Handle transfer = h5::plist(H5Pcreate(H5P_DATASET_XFER), "H5Pcreate");
  h5::check(H5Pset_type_conv_cb(transfer.get(), refuse_out_of_range, &out_of_range),
            "H5Pset_type_conv_cb");
  if (H5Dread(images_.get(), mtype, mem.get(), space.get(), transfer.get(), raw) < 0) {
    const std::string rows = h5::absolute(spec_.images_name) + " rows " + std::to_string(begin) +
                             ".." + std::to_string(end);
    if (out_of_range)
      throw UserError(spec_.path + ": " + rows + " hold a value beyond float32's range (±3.4e38)" +
                      "; expected values that float32, which training reads, can hold");
    throw UserError(spec_.path + ": cannot read " + rows + " (the file is truncated or damaged)");
  }
}

void DatasetFile::to_float(const void* raw, int64_t row, float* out) const {
  const int64_t n = sample_floats();
  if (is_uint8_) {
    scale_uint8(static_cast<const uint8_t*>(raw), n, out);
    return;
  }
  const float* p = static_cast<const float*>(raw);
  if (!copy_floats_finite(p, n, out)) {
    for (int64_t i = 0; i < n; ++i)
      if (!std::isfinite(p[i]))
        throw UserError(spec_.path + ": " + h5::absolute(spec_.images_name) + " sample " +
                        std::to_string(row) + " holds " + (std::isnan(p[i]) ? "NaN" : "Inf") +
                        " at element " + std::to_string(i) + "; expected finite values");
  }
}

}  // namespace latent
