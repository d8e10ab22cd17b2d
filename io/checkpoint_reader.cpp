#include "io/checkpoint_reader.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "io/checkpoint_seal.hpp"
#include "io/hdf5_attributes.hpp"
#include "io/hdf5_handle.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

herr_t collect_dataset(hid_t, const char* name, const H5O_info_t* info, void* out) {
  if (info->type == H5O_TYPE_DATASET)
    static_cast<std::vector<std::string>*>(out)->push_back(std::string("/") + name);
  return 0;
}

// A sealed checkpoint is checked whole and then opened from the bytes checked, so libhdf5
// never reads a damaged one; one written before seals is opened from its file as it is.
h5::Handle open_checkpoint(const std::string& path) {
  h5::require_input_file(path);
  std::vector<char> bytes;
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UserError("checkpoint " + path + ": cannot open for reading");
    // The seal's first line tells; an unsealed file is left to HDF5 without reading it here.
    bytes.resize(kCheckpointSealBytes);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<size_t>(in.gcount()));
    if (!starts_with_checkpoint_seal(bytes)) return h5::open_file_readonly(path);
    bytes.insert(bytes.end(), std::istreambuf_iterator<char>(in), {});
    if (in.bad()) throw UserError("checkpoint " + path + ": read failed");
  }
  verify_checkpoint_seal(bytes, path);
  return h5::open_image_readonly(bytes.data() + kCheckpointSealBytes,
                                 bytes.size() - kCheckpointSealBytes, path);
}

}  // namespace

struct CheckpointReader::Impl {
  std::string path;
  h5::Handle file, meta;

  std::string where() const { return "checkpoint " + path; }
  h5::Handle open(const std::string& name) const {
    if (!h5::exists(file.get(), name))
      throw UserError(where() + ": no tensor " + h5::absolute(name) +
                      " (the model expects one; the checkpoint may be of another model)");
    hid_t id = H5Dopen2(file.get(), name.c_str(), H5P_DEFAULT);
    if (id < 0)
      throw UserError(where() + ": " + h5::absolute(name) +
                      " is not a readable dataset (the file is damaged or not a checkpoint)");
    return h5::Handle(id, H5Dclose);
  }
  // The dataset's dims, refused when they promise more values than the file could hold even
  // compressed at deflate's best (1032:1): a damaged header must not make the reader allocate
  // what is not there.
  std::vector<int64_t> dims(hid_t ds, const std::string& name) const {
    std::vector<int64_t> d = h5::dims(ds);
    std::error_code ec;
    const auto file_bytes = std::filesystem::file_size(path, ec);
    double values = 1;
    std::string shape;
    for (int64_t n : d) {
      values *= n < 0 ? HUGE_VAL : static_cast<double>(n);
      shape += (shape.empty() ? "" : " x ") + std::to_string(static_cast<uint64_t>(n));
    }
    if (!ec && values * 4 > static_cast<double>(file_bytes) * 1032)
      throw UserError(where() + ": " + h5::absolute(name) + " claims shape (" + shape +
                      "), more values than its file of " + std::to_string(file_bytes) +
                      " bytes holds (the file is damaged)");
    return d;
  }
  void need_meta(const std::string& key) const {
    if (!meta.valid() || H5Aexists(meta.get(), key.c_str()) <= 0)
      throw UserError(where() + ": no /meta attribute '" + key + "'");
  }
};

CheckpointReader::CheckpointReader(const std::string& path) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  impl_->file = open_checkpoint(path);
  if (h5::exists(impl_->file.get(), "/meta")) {
    hid_t meta = H5Gopen2(impl_->file.get(), "/meta", H5P_DEFAULT);
    if (meta < 0)
      throw UserError(impl_->where() +
                      ": /meta is not a readable group (the file is damaged or not a checkpoint)");
    impl_->meta = h5::Handle(meta, H5Gclose);
  }
}

CheckpointReader::~CheckpointReader() = default;

const std::string& CheckpointReader::path() const {
  return impl_->path;
}

std::vector<std::string> CheckpointReader::tensor_names() const {
  std::vector<std::string> names;
  H5Ovisit2(impl_->file.get(), H5_INDEX_NAME, H5_ITER_INC, collect_dataset, &names, H5O_INFO_BASIC);
  std::sort(names.begin(), names.end());
  return names;
}

bool CheckpointReader::has(const std::string& name) const {
  return h5::exists(impl_->file.get(), name);
}

Shape CheckpointReader::shape(const std::string& name) const {
  h5::Handle ds = impl_->open(name);
  std::vector<int64_t> d = impl_->dims(ds.get(), name);
  switch (d.size()) {
    case 1:
      return Shape{d[0]};
    case 2:
      return Shape{d[0], d[1]};
    case 3:
      return Shape{d[0], d[1], d[2]};
    case 4:
      return Shape{d[0], d[1], d[2], d[3]};
    default:
      throw UserError(impl_->where() + ": " + h5::absolute(name) + " has rank " +
                      std::to_string(d.size()) + "; expected 1 to 4");
  }
}

void CheckpointReader::read_tensor(const std::string& name, Tensor& into) const {
  Shape found = shape(name);
  if (found != into.shape())
    throw UserError(impl_->where() + ": " + h5::absolute(name) + ": model expects " +
                    into.shape().str() + ", checkpoint has " + found.str());
  h5::Handle ds = impl_->open(name);
  h5::Handle type = h5::datatype(H5Dget_type(ds.get()), "H5Dget_type");
  if (H5Tget_class(type.get()) != H5T_FLOAT)
    throw UserError(impl_->where() + ": " + h5::absolute(name) + " has type " +
                    h5::type_name(type.get()) + "; expected float32");
  if (H5Dread(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, into.data()) < 0)
    throw UserError(impl_->where() + ": cannot read " + h5::absolute(name) +
                    " (the file is truncated or damaged)");
}

Tensor CheckpointReader::read_tensor(const std::string& name) const {
  Tensor t(shape(name));
  read_tensor(name, t);
  return t;
}

std::vector<int64_t> CheckpointReader::read_ints(const std::string& name) const {
  h5::Handle ds = impl_->open(name);
  std::vector<int64_t> d = impl_->dims(ds.get(), name);
  h5::Handle type = h5::datatype(H5Dget_type(ds.get()), "H5Dget_type");
  if (d.size() != 1 || H5Tget_class(type.get()) != H5T_INTEGER)
    throw UserError(impl_->where() + ": " + h5::absolute(name) + " is not a 1-d integer array");
  std::vector<int64_t> v(d[0]);
  if (!v.empty() &&
      H5Dread(ds.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
    throw UserError(impl_->where() + ": cannot read " + h5::absolute(name));
  return v;
}

std::vector<std::string> CheckpointReader::meta_keys() const {
  return impl_->meta.valid() ? h5::attribute_names(impl_->meta.get()) : std::vector<std::string>{};
}

bool CheckpointReader::has_meta(const std::string& key) const {
  return impl_->meta.valid() && H5Aexists(impl_->meta.get(), key.c_str()) > 0;
}

std::string CheckpointReader::meta_string(const std::string& key) const {
  impl_->need_meta(key);
  try {
    return h5::read_string_attribute(impl_->meta.get(), key);
  } catch (const std::runtime_error&) {
    throw UserError(impl_->where() + ": /meta attribute '" + key + "' is not a string");
  }
}

int64_t CheckpointReader::meta_int(const std::string& key) const {
  impl_->need_meta(key);
  try {
    return h5::read_int_attribute(impl_->meta.get(), key);
  } catch (const std::runtime_error&) {
    throw UserError(impl_->where() + ": /meta attribute '" + key + "' is not an integer");
  }
}

double CheckpointReader::meta_float(const std::string& key) const {
  impl_->need_meta(key);
  try {
    return h5::read_float_attribute(impl_->meta.get(), key);
  } catch (const std::runtime_error&) {
    throw UserError(impl_->where() + ": /meta attribute '" + key + "' is not a number");
  }
}

void CheckpointReader::expect_meta(const std::string& key, const std::string& expected) const {
  std::string found = meta_string(key);
  if (found != expected)
    throw UserError(impl_->where() + " was written with " + key + " '" + found +
                    "'; this run has '" + expected + "'");
}

}  // namespace latent
