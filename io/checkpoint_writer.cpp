#include "io/checkpoint_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "io/atomic_file.hpp"
#include "io/checkpoint_seal.hpp"
#include "io/disk_space.hpp"
#include "io/hdf5_attributes.hpp"
#include "io/hdf5_handle.hpp"
#include "io/output_path.hpp"
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

// Writes all of `bytes` to a new file; a full disk is a UserError saying so.
void write_whole_file(const std::string& file, const std::string& shown,
                      const std::vector<char>& bytes) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    throw UserError("checkpoint " + shown + ": cannot create (" + std::strerror(errno) +
                    "; does the folder exist and is it writable?)");
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : ENOSPC;
      ::close(fd);
      discard_file(file);
      if (is_out_of_space(err)) throw UserError(no_space_message(shown));
      throw UserError("checkpoint " + shown + ": write failed: " + std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    int err = errno;
    discard_file(file);
    if (is_out_of_space(err)) throw UserError(no_space_message(shown));
    throw UserError("checkpoint " + shown + ": write failed: " + std::strerror(err));
  }
}

}  // namespace

struct CheckpointWriter::Impl {
  std::string path, temporary;
  h5::Handle file, meta;
  bool committed = false;
};

CheckpointWriter::CheckpointWriter(const std::string& path) : impl_(std::make_unique<Impl>()) {
  h5::silence_errors();
  impl_->path = resolve_output_path(path);
  // The file is built in memory: check now that it can be written where it goes.
  const std::string folder = folder_of(impl_->path);
  if (::access(folder.c_str(), W_OK) != 0)
    throw UserError("checkpoint " + path + ": cannot create (" + std::strerror(errno) +
                    "; does the folder exist and is it writable?)");
  impl_->temporary = temporary_path_for(impl_->path);
  // Built in memory (HDF5's core driver, no backing store), then written with plain write()s:
  // a full disk is then an error we report, never a half-written file inside HDF5 (whose
  // shutdown crashed on such a file).
  h5::Handle fapl = h5::plist(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate");
  h5::check(H5Pset_fapl_core(fapl.get(), 1 << 20, /*backing_store=*/0), "H5Pset_fapl_core");
  hid_t f = H5Fcreate(impl_->temporary.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
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
    throw UserError("checkpoint " + m.path + ": building the file in memory failed");
  ssize_t size = H5Fget_file_image(m.file.get(), nullptr, 0);
  if (size <= 0) throw UserError("checkpoint " + m.path + ": building the file in memory failed");
  // The seal goes before the HDF5 image (io/checkpoint_seal.hpp); readers find HDF5's
  // superblock at byte 512, as after a user block.
  std::vector<char> image(kCheckpointSealBytes + static_cast<size_t>(size));
  if (H5Fget_file_image(m.file.get(), image.data() + kCheckpointSealBytes,
                        static_cast<size_t>(size)) != size)
    throw UserError("checkpoint " + m.path + ": building the file in memory failed");
  m.file.reset();
  seal_checkpoint_image(image);
  write_whole_file(m.temporary, m.path, image);
  commit_file(m.temporary, m.path);
  m.committed = true;
}

}  // namespace latent
