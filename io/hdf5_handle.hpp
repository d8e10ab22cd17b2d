#pragma once
// HDF5 identifiers owned by RAII handles, and file/dataset opening that fails with a message a
// user can act on. Internal to io/: public io headers never include <hdf5.h>.
#include <hdf5.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace latent::h5 {

[[noreturn]] void throw_no_space(const std::string& path);

class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer close) : id_(id), close_(close) {}
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset();
  // Gives up ownership: the caller closes the id (to check the close's status).
  hid_t release() {
    hid_t id = id_;
    id_ = -1;
    return id;
  }

 private:
  hid_t id_ = -1;
  Closer close_ = nullptr;
};

// Throws std::runtime_error naming `what` when an HDF5 call returned a negative id/status; NoSpace
// when the call failed for lack of disk space.
hid_t check(hid_t id, const std::string& what);
struct NoSpace : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Runs `body`; a NoSpace becomes a UserError "no space left on <filesystem> writing <path>".
template <class Body>
void naming_full_disk(const std::string& path, Body&& body) {
  try {
    body();
  } catch (const NoSpace&) {
    throw_no_space(path);
  }
}
Handle file(hid_t id, const std::string& what);
Handle dataset(hid_t id, const std::string& what);
Handle dataspace(hid_t id, const std::string& what);
Handle datatype(hid_t id, const std::string& what);
Handle plist(hid_t id, const std::string& what);
Handle group(hid_t id, const std::string& what);
Handle attribute(hid_t id, const std::string& what);

// HDF5 prints its error stack to stderr by default; io reports errors itself.
void silence_errors();

// Opens an existing HDF5 file read-only. UserError when it is missing, unreadable or not
// HDF5 (a truncated file fails here too).
Handle open_file_readonly(const std::string& path);

// The checks open_file_readonly makes before opening: `path` exists and is not a folder (a
// UserError naming it otherwise); it is then registered as an input of this process.
void require_input_file(const std::string& path);

// Opens an HDF5 file image held in memory (bytes of `path`, already read) read-only.
Handle open_image_readonly(const char* image, size_t size, const std::string& path);

// True when `name` (an absolute or relative path, intermediate groups included) exists.
bool exists(hid_t loc, const std::string& name);

// Opens dataset `name`; UserError naming the file when it does not exist.
Handle open_dataset(hid_t file, const std::string& path, const std::string& name);

std::vector<int64_t> dims(hid_t dataset);
// Rows per chunk along the first dimension; 0 for a contiguous or compact layout.
int64_t chunk_rows(hid_t dataset);
// "uint8", "float32", "int64", ...
std::string type_name(hid_t type);

// Dataset path with a leading '/', as users see it.
std::string absolute(const std::string& name);

// Appends n rows at row `at` of an extendible dataset whose rows have dims `row_dims` (all
// dimensions but the first): extends it, then writes the hyperslab.
void append_rows(hid_t dataset, hid_t mem_type, const std::vector<int64_t>& row_dims, int64_t at,
                 int64_t n, const void* data);

}  // namespace latent::h5
