#include "io/hdf5_attributes.hpp"

#include <sstream>
#include <stdexcept>

#include "io/hdf5_handle.hpp"

namespace latent::h5 {
namespace {

Handle replace(hid_t loc, const std::string& key, hid_t type) {
  if (H5Aexists(loc, key.c_str()) > 0) H5Adelete(loc, key.c_str());
  Handle space = dataspace(H5Screate(H5S_SCALAR), "H5Screate");
  return attribute(H5Acreate2(loc, key.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                   "H5Acreate2 " + key);
}

Handle open(hid_t loc, const std::string& key) {
  return attribute(H5Aopen(loc, key.c_str(), H5P_DEFAULT), "H5Aopen " + key);
}

int64_t elements(hid_t attr) {
  Handle space = dataspace(H5Aget_space(attr), "H5Aget_space");
  return H5Sget_simple_extent_npoints(space.get());
}

}  // namespace

void write_attribute(hid_t loc, const std::string& key, const std::string& value) {
  // Fixed-length: reading a variable-length string goes through HDF5's global heap, where a
  // damaged file made Debian's libhdf5 1.10 loop forever (found by fuzz/fuzz_checkpoint).
  Handle type = datatype(H5Tcopy(H5T_C_S1), "H5Tcopy");
  H5Tset_size(type.get(), value.size() + 1);
  H5Tset_strpad(type.get(), H5T_STR_NULLTERM);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  Handle attr = replace(loc, key, type.get());
  check(H5Awrite(attr.get(), type.get(), value.c_str()), "H5Awrite " + key);
}

void write_attribute(hid_t loc, const std::string& key, int64_t value) {
  Handle attr = replace(loc, key, H5T_STD_I64LE);
  check(H5Awrite(attr.get(), H5T_NATIVE_INT64, &value), "H5Awrite " + key);
}

void write_attribute(hid_t loc, const std::string& key, double value) {
  Handle attr = replace(loc, key, H5T_IEEE_F64LE);
  check(H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, &value), "H5Awrite " + key);
}

std::vector<std::string> attribute_names(hid_t loc) {
  std::vector<std::string> names;
  H5O_info_t info;
  if (H5Oget_info2(loc, &info, H5O_INFO_NUM_ATTRS) < 0) return names;
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    ssize_t n =
        H5Aget_name_by_idx(loc, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (n < 0) continue;
    std::string name(static_cast<size_t>(n), '\0');
    H5Aget_name_by_idx(loc, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size() + 1,
                       H5P_DEFAULT);
    names.push_back(name);
  }
  return names;
}

std::string read_string_attribute(hid_t loc, const std::string& key) {
  Handle attr = open(loc, key);
  Handle type = datatype(H5Aget_type(attr.get()), "H5Aget_type");
  if (H5Tget_class(type.get()) != H5T_STRING)
    throw std::runtime_error("attribute " + key + " is not a string");
  if (H5Tis_variable_str(type.get()) > 0) {
    Handle mem = datatype(H5Tcopy(H5T_C_S1), "H5Tcopy");
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    char* p = nullptr;
    check(H5Aread(attr.get(), mem.get(), &p), "H5Aread " + key);
    std::string s = p ? p : "";
    H5free_memory(p);
    return s;
  }
  size_t size = H5Tget_size(type.get());
  if (size == 0 || size > (size_t{16} << 20))  // a damaged type must not size an allocation
    throw std::runtime_error("attribute " + key + " claims a string of " + std::to_string(size) +
                             " bytes");
  std::string s(size, '\0');
  check(H5Aread(attr.get(), type.get(), s.data()), "H5Aread " + key);
  return s.substr(0, s.find('\0'));
}

int64_t read_int_attribute(hid_t loc, const std::string& key) {
  Handle attr = open(loc, key);
  Handle type = datatype(H5Aget_type(attr.get()), "H5Aget_type");
  if (H5Tget_class(type.get()) != H5T_INTEGER || elements(attr.get()) != 1)
    throw std::runtime_error("attribute " + key + " is not an integer");
  int64_t v = 0;
  check(H5Aread(attr.get(), H5T_NATIVE_INT64, &v), "H5Aread " + key);
  return v;
}

double read_float_attribute(hid_t loc, const std::string& key) {
  Handle attr = open(loc, key);
  Handle type = datatype(H5Aget_type(attr.get()), "H5Aget_type");
  H5T_class_t cls = H5Tget_class(type.get());
  if ((cls != H5T_FLOAT && cls != H5T_INTEGER) || elements(attr.get()) != 1)
    throw std::runtime_error("attribute " + key + " is not a number");
  double v = 0;
  check(H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &v), "H5Aread " + key);
  return v;
}

std::string attribute_text(hid_t loc, const std::string& key) {
  Handle attr = open(loc, key);
  Handle type = datatype(H5Aget_type(attr.get()), "H5Aget_type");
  H5T_class_t cls = H5Tget_class(type.get());
  if (cls == H5T_STRING) return read_string_attribute(loc, key);
  const int64_t n = elements(attr.get());
  if (n < 1 || n > 64 || (cls != H5T_INTEGER && cls != H5T_FLOAT))
    return "<" + type_name(type.get()) + " x " + std::to_string(n) + ">";
  std::ostringstream out;
  if (n > 1) out << "[";
  if (cls == H5T_INTEGER) {
    std::vector<int64_t> v(n);
    check(H5Aread(attr.get(), H5T_NATIVE_INT64, v.data()), "H5Aread " + key);
    for (int64_t i = 0; i < n; ++i) out << (i ? ", " : "") << v[i];
  } else {
    std::vector<double> v(n);
    check(H5Aread(attr.get(), H5T_NATIVE_DOUBLE, v.data()), "H5Aread " + key);
    for (int64_t i = 0; i < n; ++i) out << (i ? ", " : "") << v[i];
  }
  if (n > 1) out << "]";
  return out.str();
}

}  // namespace latent::h5
