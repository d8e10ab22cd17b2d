#pragma once
// Scalar attributes (strings, integers, floats) on an HDF5 object. Internal to io/.
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace latent::h5 {

// Replace any attribute of the same name. Strings are variable-length UTF-8 (h5py: str).
void write_attribute(hid_t loc, const std::string& key, const std::string& value);
void write_attribute(hid_t loc, const std::string& key, int64_t value);
void write_attribute(hid_t loc, const std::string& key, double value);

std::vector<std::string> attribute_names(hid_t loc);
// The value as text, whatever its type ("3", "0.5", "vae", "[1, 2]").
std::string attribute_text(hid_t loc, const std::string& key);
// Typed reads; std::runtime_error when the attribute has another class (callers add context).
std::string read_string_attribute(hid_t loc, const std::string& key);
int64_t read_int_attribute(hid_t loc, const std::string& key);
double read_float_attribute(hid_t loc, const std::string& key);

}  // namespace latent::h5
