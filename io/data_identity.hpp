#pragma once
// What a training file is, cheaply: its sample count, sample shape, stored type and a content
// fingerprint. A checkpoint keeps the identity of the file it was trained on, so `--resume`
// refuses other data (a moved copy of the same file passes), while `--init-from` starts a new
// run on any data of the same sample shape.
//
// The fingerprint hashes (FNV-1a, 64 bits) the count, the shape, and the values and labels of 64
// rows spread evenly over the file, first and last included: a few milliseconds on any size, and
// a file re-ordered, re-sampled, re-scaled or with other labels differs in those rows.
#include <cstdint>
#include <string>

#include "io/dataset_spec.hpp"

namespace latent {

struct DataIdentity {
  int64_t samples = 0;       // rows of the images dataset (the whole file: no class selection)
  std::string sample_shape;  // "(1, 28, 28)"
  std::string type;          // as stored: "uint8", "float32", "float16", ...
  std::string fingerprint;   // 16 hex digits; empty: unknown (a checkpoint older than this)
  bool known() const { return !fingerprint.empty(); }
};

// The identity of `spec`'s images (and labels, when the file has them), whatever rows
// `spec.classes` or its part would select.
DataIdentity identify_dataset(const DatasetSpec& spec);

// "" when `now` is the data `trained` describes; otherwise what differs, in words ("samples
// 10000 then, 2000 now; content fingerprint 3f1c... then, 9a02... now").
std::string data_difference(const DataIdentity& trained, const DataIdentity& now);

}  // namespace latent
