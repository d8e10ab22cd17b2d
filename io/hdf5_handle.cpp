#include "io/hdf5_handle.hpp"

#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <stdexcept>

#include "io/disk_space.hpp"
#include "io/hdf5_library.hpp"
#include "io/input_file.hpp"

#include "runtime/error.hpp"

namespace latent::h5 {

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    reset();
    id_ = o.id_;
    close_ = o.close_;
    o.id_ = -1;
  }
  return *this;
}

void Handle::reset() {
  if (id_ >= 0 && close_ != nullptr) close_(id_);
  id_ = -1;
}

hid_t check(hid_t id, const std::string& what) {
  if (id >= 0) return id;
  // HDF5's file driver leaves the failed write's errno in place.
  if (is_out_of_space(errno)) throw NoSpace("no space left on the device (HDF5: " + what + ")");
  throw std::runtime_error("HDF5 call failed: " + what);
}

void throw_no_space(const std::string& path) {
  throw UserError(no_space_message(path));
}

Handle file(hid_t id, const std::string& what) {
  return Handle(check(id, what), H5Fclose);
}
Handle dataset(hid_t id, const std::string& what) {
  return Handle(check(id, what), H5Dclose);
}
Handle dataspace(hid_t id, const std::string& what) {
  return Handle(check(id, what), H5Sclose);
}
Handle datatype(hid_t id, const std::string& what) {
  return Handle(check(id, what), H5Tclose);
}
Handle plist(hid_t id, const std::string& what) {
  return Handle(check(id, what), H5Pclose);
}
Handle group(hid_t id, const std::string& what) {
  return Handle(check(id, what), H5Gclose);
}
Handle attribute(hid_t id, const std::string& what) {
  return Handle(check(id, what), H5Aclose);
}

void silence_errors() {
  // The thread-safe libhdf5 (Debian's) keeps an error stack per thread: each thread that calls
  // HDF5 (a dataset's prefetch thread too) silences its own.
  thread_local const bool once = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)once;
}

void require_input_file(const std::string& path) {
  expect_regular_input(path, "", "an HDF5 file");
}

Handle open_image_readonly(const char* image, size_t size, const std::string& path) {
  silence_errors();
  Handle fapl = plist(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate");
  check(H5Pset_fapl_core(fapl.get(), 1 << 20, /*backing_store=*/0), "H5Pset_fapl_core");
  check(H5Pset_file_image(fapl.get(), const_cast<char*>(image), size), "H5Pset_file_image");
  // The core driver refuses an image under the name of a file that exists, and HDF5 hands back
  // an already open file of the same name: each image gets a name of its own.
  static std::atomic<uint64_t> images{0};
  const std::string name = "in-memory image " + std::to_string(++images) + " of " + path;
  hid_t id = H5Fopen(name.c_str(), H5F_ACC_RDONLY, fapl.get());
  if (id < 0) throw UserError(path + ": cannot open as HDF5 (the file is truncated or damaged)");
  return Handle(id, H5Fclose);
}

Handle open_file_readonly(const std::string& path) {
  silence_errors();
  require_input_file(path);
  htri_t is_h5 = H5Fis_hdf5(path.c_str());
  if (is_h5 <= 0)
    throw UserError(path + ": not an HDF5 file (no HDF5 signature; expected a file written by " +
                    "h5py or `latent convert`)");
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw UserError(path + ": cannot open as HDF5 (the file is truncated or damaged)");
  return Handle(id, H5Fclose);
}

bool exists(hid_t loc, const std::string& name) {
  // H5Lexists needs every intermediate group to exist, so walk the path one link at a time.
  std::string prefix = name[0] == '/' ? "/" : "";
  size_t pos = name[0] == '/' ? 1 : 0;
  while (pos <= name.size()) {
    size_t slash = name.find('/', pos);
    if (slash == std::string::npos) slash = name.size();
    if (slash > pos) {
      prefix += name.substr(pos, slash - pos);
      if (H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
      prefix += "/";
    }
    pos = slash + 1;
  }
  return H5Oexists_by_name(loc, name.c_str(), H5P_DEFAULT) > 0;
}

std::string absolute(const std::string& name) {
  return !name.empty() && name[0] == '/' ? name : "/" + name;
}

Handle open_dataset(hid_t file, const std::string& path, const std::string& name) {
  if (name.empty() || !exists(file, name))
    throw UserError(path + ": no dataset " + absolute(name) + " in this file");
  hid_t id = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  if (id < 0) throw UserError(path + ": " + absolute(name) + " is not a dataset");
  return Handle(id, H5Dclose);
}

std::vector<int64_t> dims(hid_t ds) {
  Handle space = dataspace(H5Dget_space(ds), "H5Dget_space");
  int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) throw std::runtime_error("HDF5 call failed: H5Sget_simple_extent_ndims");
  std::vector<hsize_t> d(rank);
  H5Sget_simple_extent_dims(space.get(), d.data(), nullptr);
  return std::vector<int64_t>(d.begin(), d.end());
}

int64_t chunk_rows(hid_t ds) {
  Handle dcpl = plist(H5Dget_create_plist(ds), "H5Dget_create_plist");
  if (H5Pget_layout(dcpl.get()) != H5D_CHUNKED) return 0;
  hsize_t chunk[H5S_MAX_RANK];
  if (H5Pget_chunk(dcpl.get(), H5S_MAX_RANK, chunk) < 1) return 0;
  return static_cast<int64_t>(chunk[0]);
}

std::string type_name(hid_t type) {
  size_t size = H5Tget_size(type);
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
      return std::string(H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") +
             std::to_string(size * 8);
    case H5T_FLOAT:
      return "float" + std::to_string(size * 8);
    case H5T_STRING:
      return "string";
    case H5T_COMPOUND:
      return "compound";
    case H5T_ENUM:
      return "enum";
    default:
      return "other";
  }
}

void append_rows(hid_t ds, hid_t mem_type, const std::vector<int64_t>& row_dims, int64_t at,
                 int64_t n, const void* data) {
  std::vector<hsize_t> dims{static_cast<hsize_t>(at + n)}, start(row_dims.size() + 1, 0),
      count{static_cast<hsize_t>(n)};
  for (int64_t d : row_dims) dims.push_back(d), count.push_back(d);
  check(H5Dset_extent(ds, dims.data()), "H5Dset_extent");
  Handle space = dataspace(H5Dget_space(ds), "H5Dget_space");
  start[0] = static_cast<hsize_t>(at);
  check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                            nullptr),
        "H5Sselect_hyperslab");
  Handle mem = dataspace(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr),
                         "H5Screate");
  check(H5Dwrite(ds, mem_type, mem.get(), space.get(), H5P_DEFAULT, data), "H5Dwrite");
}

}  // namespace latent::h5

namespace latent {

void skip_hdf5_shutdown_at_exit() noexcept {
  H5dont_atexit();
}

}  // namespace latent
