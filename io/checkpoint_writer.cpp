#include "io/checkpoint_writer.hpp"

#include "io/atomic_file.hpp"
#include "io/hdf5_attributes.hpp"
#include "io/hdf5_handle.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

void write_dataset(hid_t file, const std::string& path, const std::string& name,
                   const std::vector<hsize_t>& dims, hid_t file_type, hid_t mem_type,
                   const void* data) {
  if (name.empty() || name[0] != '/')
    throw std::invalid_argument("checkpoint: tensor name '" + name + "' must start with '/'");
  if (h5::exists(file, name))
    throw std::invalid_argument("checkpoint " + path + ": " + name + " written twice");
  h5::Handle space = h5::dataspace(
      H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "H5Screate");
  h5::Handle lcpl = h5::plist(H5Pcreate(H5P_LINK_CREATE), "H5Pcreate");
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  h5::Handle ds = h5::dataset(
      H5Dcreate2(file, name.c_str(), file_type, space.get(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT),
      "H5Dcreate2 " + name + " in " + path);
  h5::check(H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "H5Dwrite " + name);
}

}  // namespace

struct CheckpointWriter::Impl {
  std::string path, temporary;
  h5::Handle file, meta;
  bool committed = false;
};

CheckpointWriter::CheckpointWriter(const std::string& path) : impl_(std::make_unique<Impl>()) {
  h5::silence_errors();
  impl_->path = path;
  impl_->temporary = temporary_path_for(path);
  hid_t f = H5Fcreate(impl_->temporary.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0)
    throw UserError("checkpoint " + path +
                    ": cannot create (does the folder exist and is it writable?)");
  impl_->file = h5::Handle(f, H5Fclose);
  impl_->meta =
      h5::group(H5Gcreate2(f, "/meta", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2 /meta");
}

CheckpointWriter::~CheckpointWriter() {
  if (!impl_->committed) {
    impl_->meta.reset();
    impl_->file.reset();
    discard_file(impl_->temporary);
  }
}

void CheckpointWriter::write_tensor(const std::string& name, const Tensor& tensor) {
  std::vector<hsize_t> dims;
  for (int i = 0; i < tensor.rank(); ++i) dims.push_back(static_cast<hsize_t>(tensor.dim(i)));
  if (dims.empty()) throw std::invalid_argument("checkpoint: tensor " + name + " has no shape");
  write_dataset(impl_->file.get(), impl_->path, name, dims, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT,
                tensor.data());
}

void CheckpointWriter::write_ints(const std::string& name, const std::vector<int64_t>& values) {
  write_dataset(impl_->file.get(), impl_->path, name, {values.size()}, H5T_STD_I64LE,
                H5T_NATIVE_INT64, values.data());
}

void CheckpointWriter::set_meta(const std::string& key, const std::string& value) {
  h5::write_attribute(impl_->meta.get(), key, value);
}

void CheckpointWriter::set_meta(const std::string& key, int64_t value) {
  h5::write_attribute(impl_->meta.get(), key, value);
}

void CheckpointWriter::set_meta_float(const std::string& key, double value) {
  h5::write_attribute(impl_->meta.get(), key, value);
}

void CheckpointWriter::commit() {
  Impl& m = *impl_;
  if (m.committed) return;
  m.meta.reset();
  if (H5Fflush(m.file.get(), H5F_SCOPE_GLOBAL) < 0)
    throw UserError("checkpoint " + m.path + ": flushing failed (disk full?)");
  if (H5Fclose(m.file.release()) < 0)
    throw UserError("checkpoint " + m.path + ": closing failed (disk full?)");
  commit_file(m.temporary, m.path);
  m.committed = true;
}

}  // namespace latent
