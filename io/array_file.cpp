#include "io/array_file.hpp"

#include <sys/stat.h>

#include "io/hdf5_handle.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

// IEEE binary16: sign bit 15, exponent bits 10-14 (bias 15), mantissa bits 0-9.
h5::Handle float16_type() {
  h5::Handle t = h5::datatype(H5Tcopy(H5T_IEEE_F32LE), "H5Tcopy");
  h5::check(H5Tset_fields(t.get(), 15, 10, 5, 0, 10), "H5Tset_fields");
  h5::check(H5Tset_precision(t.get(), 16), "H5Tset_precision");
  h5::check(H5Tset_size(t.get(), 2), "H5Tset_size");
  h5::check(H5Tset_ebias(t.get(), 15), "H5Tset_ebias");
  return t;
}

hid_t file_type(ArrayType t) {
  switch (t) {
    case ArrayType::kUint8:
      return H5T_STD_U8LE;
    case ArrayType::kInt16:
      return H5T_STD_I16LE;
    case ArrayType::kFloat16:
      return -1;  // made by float16_type()
    case ArrayType::kInt32:
      return H5T_STD_I32LE;
    case ArrayType::kInt64:
      return H5T_STD_I64LE;
    case ArrayType::kFloat32:
      return H5T_IEEE_F32LE;
    case ArrayType::kFloat64:
      return H5T_IEEE_F64LE;
  }
  return -1;
}

hid_t memory_type(ArrayType t) {
  switch (t) {
    case ArrayType::kUint8:
      return H5T_NATIVE_UINT8;
    case ArrayType::kInt16:
      return H5T_NATIVE_INT16;
    case ArrayType::kFloat16:
      return -1;  // the file's own type
    case ArrayType::kInt32:
      return H5T_NATIVE_INT32;
    case ArrayType::kInt64:
      return H5T_NATIVE_INT64;
    case ArrayType::kFloat32:
      return H5T_NATIVE_FLOAT;
    case ArrayType::kFloat64:
      return H5T_NATIVE_DOUBLE;
  }
  return -1;
}

}  // namespace

void write_array(const std::string& path, const std::string& name, const std::vector<int64_t>& dims,
                 ArrayType type, const void* data, ArrayLayout layout) {
  h5::silence_errors();
  struct stat st {};
  h5::Handle file;
  if (stat(path.c_str(), &st) == 0) {
    file = h5::file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "H5Fopen " + path);
  } else {
    file = h5::file(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT),
                    "H5Fcreate " + path);
  }
  std::vector<hsize_t> d(dims.begin(), dims.end());
  h5::Handle space = h5::dataspace(H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr),
                                   "H5Screate_simple");
  h5::Handle lcpl = h5::plist(H5Pcreate(H5P_LINK_CREATE), "H5Pcreate");
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  h5::Handle dcpl = h5::plist(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate");
  if (layout.chunk_rows > 0) {
    std::vector<hsize_t> chunk = d;
    chunk[0] = static_cast<hsize_t>(layout.chunk_rows);
    for (auto& c : chunk) c = c == 0 ? 1 : c;
    h5::check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()),
              "H5Pset_chunk");
    if (layout.gzip_level > 0) H5Pset_deflate(dcpl.get(), layout.gzip_level);
  }
  h5::Handle half = type == ArrayType::kFloat16 ? float16_type() : h5::Handle();
  const hid_t stored = half.valid() ? half.get() : file_type(type);
  const hid_t given = half.valid() ? half.get() : memory_type(type);
  h5::Handle ds = h5::dataset(H5Dcreate2(file.get(), name.c_str(), stored, space.get(), lcpl.get(),
                                         dcpl.get(), H5P_DEFAULT),
                              "H5Dcreate2 " + name + " in " + path);
  if (data != nullptr && space.valid())
    h5::check(H5Dwrite(ds.get(), given, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "H5Dwrite " + name);
}

std::vector<uint8_t> read_array_bytes(const std::string& path, const std::string& name) {
  h5::Handle file = h5::open_file_readonly(path);
  h5::Handle ds = h5::open_dataset(file.get(), path, name);
  h5::Handle type = h5::datatype(H5Dget_type(ds.get()), "H5Dget_type");
  h5::Handle native = h5::datatype(H5Tget_native_type(type.get(), H5T_DIR_ASCEND), "native");
  int64_t n = 1;
  for (int64_t d : h5::dims(ds.get())) n *= d;
  std::vector<uint8_t> out(n * H5Tget_size(native.get()));
  if (H5Dread(ds.get(), native.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    throw UserError(path + ": cannot read " + h5::absolute(name));
  return out;
}

}  // namespace latent
