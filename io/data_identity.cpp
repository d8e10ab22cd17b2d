#include "io/data_identity.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "io/dataset_file.hpp"

namespace latent {
namespace {

constexpr int64_t kFingerprintRows = 64;

struct Fnv1a {
  uint64_t h = 1469598103934665603ull;
  void add(const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  }
  void add(const std::string& s) { add(s.data(), s.size()); }
  std::string hex() const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
  }
};

}  // namespace

DataIdentity identify_dataset(const DatasetSpec& spec) {
  DatasetSpec all = spec;
  all.classes.clear();
  all.part = DatasetSpec::Part::kAll;
  DatasetFile file(all);
  DataIdentity id;
  id.samples = file.rows();
  id.sample_shape = file.sample_shape().str();
  id.type = file.stored_type();
  Fnv1a hash;
  hash.add(&id.samples, sizeof id.samples);
  hash.add(id.sample_shape);
  hash.add(id.type);
  std::vector<unsigned char> row(static_cast<size_t>(file.raw_sample_bytes()));
  const int64_t picks = std::min(kFingerprintRows, id.samples);
  for (int64_t k = 0; k < picks; ++k) {
    const int64_t r = picks == 1 ? 0 : k * (id.samples - 1) / (picks - 1);
    file.read_raw_range(r, r + 1, row.data());
    hash.add(row.data(), row.size());
    if (file.has_labels()) {
      int label = 0;
      file.read_labels(r, r + 1, &label);
      hash.add(&label, sizeof label);
    }
  }
  id.fingerprint = hash.hex();
  return id;
}

std::string data_difference(const DataIdentity& trained, const DataIdentity& now) {
  std::string out;
  auto differs = [&](const char* what, const std::string& then, const std::string& is) {
    if (then == is) return;
    out += (out.empty() ? "" : "; ") + std::string(what) + " " + then + " then, " + is + " now";
  };
  differs("samples", std::to_string(trained.samples), std::to_string(now.samples));
  differs("sample shape", trained.sample_shape, now.sample_shape);
  differs("type", trained.type, now.type);
  if (out.empty()) differs("content fingerprint", trained.fingerprint, now.fingerprint);
  return out;
}

}  // namespace latent
