// IDX → HDF5. IDX: two zero bytes, a type byte, a dimension count, big-endian uint32 sizes,
// then big-endian values.
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "io/converters.hpp"
#include "io/dataset_writer.hpp"
#include "io/input_file.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

struct GzCloser {
  void operator()(gzFile f) const { gzclose(f); }
};

// A gzip or plain file read through zlib (gzread passes plain files through).
class IdxFile {
 public:
  explicit IdxFile(const std::string& path) : path_(path) {
    expect_regular_input(path, "", "an IDX file, gzipped or not");
    file_.reset(gzopen(path.c_str(), "rb"));
    if (!file_) throw UserError(path + ": no such file (expected an IDX file, gzipped or not)");
    uint8_t magic[4];
    read(magic, 4, "the header");
    if (magic[0] != 0 || magic[1] != 0 || magic[3] == 0 || magic[3] > 4)
      throw UserError(path + ": not an IDX file (bad magic number)");
    type_ = magic[2];
    switch (type_) {
      case 0x08:
      case 0x09:
        value_bytes_ = 1;
        break;
      case 0x0B:
        value_bytes_ = 2;
        break;
      case 0x0C:
      case 0x0D:
        value_bytes_ = 4;
        break;
      case 0x0E:
        value_bytes_ = 8;
        break;
      default: {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", type_);
        throw UserError(path + ": unknown IDX value type " + hex +
                        "; expected 0x08 (uint8), 0x09 (int8), 0x0B (int16), 0x0C (int32), 0x0D "
                        "(float32) or 0x0E (float64)");
      }
    }
    for (int i = 0; i < magic[3]; ++i) {
      uint8_t b[4];
      read(b, 4, "the header");
      dims_.push_back((int64_t{b[0]} << 24) | (b[1] << 16) | (b[2] << 8) | b[3]);
    }
    check_size_against_file();
  }

  const std::vector<int64_t>& dims() const { return dims_; }
  int type() const { return type_; }
  bool is_float() const { return type_ == 0x0D || type_ == 0x0E; }
  int64_t per_item() const {
    int64_t n = 1;
    for (size_t i = 1; i < dims_.size(); ++i) n *= dims_[i];
    return n;
  }

  // A damaged header must not make the converter allocate or write what the file cannot hold:
  // the values it promises fit in the bytes after the header (a plain file), or within
  // deflate's 1032:1 limit (a gzipped one).
  void check_size_against_file() {
    std::error_code ec;
    const auto file_bytes = static_cast<int64_t>(std::filesystem::file_size(path_, ec));
    if (ec) return;
    const bool gzipped = gzdirect(file_.get()) == 0;
    const int64_t header = 4 + 4 * static_cast<int64_t>(dims_.size());
    const int64_t holds = gzipped ? file_bytes * 1032 : std::max<int64_t>(0, file_bytes - header);
    int64_t values = 1;
    std::string promised;
    bool fits = true;
    for (int64_t d : dims_) {  // N = 0 still needs room for one sample: no empty-file giants
      promised += (promised.empty() ? "" : " x ") + std::to_string(d);
      d = std::max<int64_t>(d, 1);
      if (values > holds / value_bytes_ / d) fits = false;
      if (fits) values *= d;
    }
    if (!fits)
      throw UserError(path_ + ": truncated IDX file: its header promises " + promised +
                      " values of " + std::to_string(value_bytes_) +
                      " byte(s), but the file holds " +
                      (gzipped ? "at most " + std::to_string(holds) + " bytes (gzipped, " +
                                     std::to_string(file_bytes) + " bytes)"
                               : std::to_string(holds) + " bytes after the header") +
                      "; expected a complete IDX file");
  }

  // Reads n items' values as doubles (exact for every IDX type).
  void read_values(int64_t first_item, int64_t items, std::vector<double>& out) {
    const int64_t count = items * per_item();
    std::vector<uint8_t> raw(count * value_bytes_);
    read(raw.data(), raw.size(),
         "items " + std::to_string(first_item) + ".." + std::to_string(first_item + items));
    out.resize(count);
    for (int64_t i = 0; i < count; ++i) {
      const uint8_t* p = raw.data() + i * value_bytes_;
      uint64_t be = 0;
      for (int k = 0; k < value_bytes_; ++k) be = (be << 8) | p[k];
      switch (type_) {
        case 0x08:
          out[i] = static_cast<uint8_t>(be);
          break;
        case 0x09:
          out[i] = static_cast<int8_t>(be);
          break;
        case 0x0B:
          out[i] = static_cast<int16_t>(be);
          break;
        case 0x0C:
          out[i] = static_cast<int32_t>(be);
          break;
        case 0x0D: {
          uint32_t u = static_cast<uint32_t>(be);
          float f;
          std::memcpy(&f, &u, 4);
          out[i] = f;
          break;
        }
        default: {
          double d;
          std::memcpy(&d, &be, 8);
          out[i] = d;
        }
      }
    }
  }
  // Raw bytes of ubyte data.
  void read(void* dst, size_t bytes, const std::string& what) {
    size_t done = 0;
    while (done < bytes) {
      unsigned chunk = static_cast<unsigned>(std::min<size_t>(bytes - done, 1u << 30));
      int got = gzread(file_.get(), static_cast<uint8_t*>(dst) + done, chunk);
      if (got <= 0)
        throw UserError(path_ + ": truncated or corrupt while reading " + what + " (" +
                        std::to_string(done) + " of " + std::to_string(bytes) + " bytes)");
      done += static_cast<size_t>(got);
    }
  }

 private:
  std::string path_;
  std::unique_ptr<gzFile_s, GzCloser> file_;
  int type_ = 0;
  int value_bytes_ = 1;
  std::vector<int64_t> dims_;
};

}  // namespace

ConvertSummary convert_idx(const std::string& images_path, const std::string& labels_path,
                           const std::string& out, const StorageOptions& storage) {
  IdxFile images(images_path);
  const std::vector<int64_t>& d = images.dims();
  if (d.size() < 2 || d.size() > 4)
    throw UserError(images_path + ": IDX of " + std::to_string(d.size()) +
                    " dimension(s); expected images (N, H, W), (N, C, H, W) or (N, D)");
  if (!images.is_float() && images.type() != 0x08)
    throw UserError(images_path +
                    ": IDX images of a signed integer type; expected ubyte or "
                    "float");
  const int64_t n = d[0];
  ConvertSummary summary;
  summary.sample_shape = Shape::sample_of_dims(d);
  summary.type = images.is_float() ? "float32" : "uint8";

  std::vector<int> labels;
  if (!labels_path.empty()) {
    IdxFile lf(labels_path);
    if (lf.dims().size() != 1 || lf.is_float())
      throw UserError(labels_path + ": IDX labels must be one dimension of integers");
    if (lf.dims()[0] != n)
      throw UserError(labels_path + ": " + std::to_string(lf.dims()[0]) + " labels but " +
                      images_path + " has " + std::to_string(n) + " images; expected equal");
    std::vector<double> v;
    lf.read_values(0, n, v);
    labels.assign(v.begin(), v.end());
    summary.labels = true;
  }

  DatasetWriter writer(out, summary.sample_shape,
                       images.is_float() ? SampleType::kFloat32 : SampleType::kUint8,
                       summary.labels, images_path, storage);
  const int64_t per = images.per_item();
  const int64_t batch = std::max<int64_t>(1, (4 << 20) / per);
  std::vector<uint8_t> bytes;
  std::vector<double> values;
  std::vector<float> floats;
  for (int64_t i = 0; i < n; i += batch) {
    const int64_t m = std::min(batch, n - i);
    const int* l = summary.labels ? labels.data() + i : nullptr;
    if (images.is_float()) {
      images.read_values(i, m, values);
      floats.assign(values.begin(), values.end());
      writer.append(floats.data(), m, l);
    } else {
      bytes.resize(m * per);
      images.read(bytes.data(), bytes.size(),
                  "images " + std::to_string(i) + ".." + std::to_string(i + m));
      writer.append(bytes.data(), m, l);
    }
  }
  summary.type = writer.stored_type();
  writer.close();
  summary.samples = n;
  return summary;
}

}  // namespace latent
