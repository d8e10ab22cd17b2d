// NumPy .npy → HDF5. Format: "\x93NUMPY", version, header length, a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (N, ...)}, then the raw array.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>

#include "io/converters.hpp"
#include "io/dataset_writer.hpp"
#include "io/input_file.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

// IEEE 754 binary16 (numpy's float16) to float: exact for every value, subnormals included.
float half_to_float(uint16_t h) {
  const uint32_t sign = (h >> 15) & 1, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  float magnitude;
  if (exponent == 0)
    magnitude = std::ldexp(static_cast<float>(mantissa), -24);
  else if (exponent == 31)
    magnitude =
        mantissa ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  else
    magnitude = std::ldexp(static_cast<float>(mantissa | 0x400), static_cast<int>(exponent) - 25);
  return sign ? -magnitude : magnitude;
}

const std::string& regular_input(const std::string& path) {
  expect_regular_input(path, "", "a .npy array");
  return path;
}

class NpyFile {
 public:
  // The path is checked before the stream opens it: a FIFO would block the open.
  explicit NpyFile(const std::string& path)
      : path_(regular_input(path)), in_(path, std::ios::binary) {
    if (!in_) throw UserError(path + ": cannot be read (expected a .npy array)");
    char magic[8];
    if (!in_.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0)
      throw UserError(path + ": not a .npy file (bad magic string)");
    uint32_t header_len = 0;
    if (magic[6] == 1) {
      uint8_t b[2];
      in_.read(reinterpret_cast<char*>(b), 2);
      header_len = b[0] | (b[1] << 8);
    } else {
      uint8_t b[4];
      in_.read(reinterpret_cast<char*>(b), 4);
      header_len = b[0] | (b[1] << 8) | (b[2] << 16) | (uint32_t{b[3]} << 24);
    }
    std::error_code ec;  // not a regular file (a pipe): no size to check against
    const auto size = std::filesystem::file_size(path, ec);
    file_bytes_ = ec ? INT64_MAX : static_cast<int64_t>(size);
    if (!in_ || header_len > file_bytes_ - in_.tellg())
      throw UserError(path + ": truncated .npy header");
    std::string header(header_len, '\0');
    if (!in_.read(header.data(), header_len)) throw UserError(path + ": truncated .npy header");

    std::smatch m;
    if (!std::regex_search(header, m, std::regex("'descr':\\s*'([<>|=])([a-z])(\\d+)'")))
      throw UserError(path +
                      ": .npy header without a simple 'descr' (structured arrays are "
                      "not supported)");
    const char order = m[1].str()[0];
    kind_ = m[2].str()[0];
    size_ = m[3].length() == 1 ? std::stoi(m[3].str()) : 0;
    if (size_ != 1 && size_ != 2 && size_ != 4 && size_ != 8)
      throw UserError(path + ": .npy of type " + m[1].str() + m[2].str() + m[3].str() +
                      "; expected values of 1, 2, 4 or 8 bytes");
    if (order == '>' && size_ > 1)
      throw UserError(path + ": big-endian .npy data; expected little-endian");
    if (std::regex_search(header, std::regex("'fortran_order':\\s*True")))
      throw UserError(path +
                      ": Fortran-ordered .npy data; expected C order "
                      "(np.ascontiguousarray)");
    if (!std::regex_search(header, m, std::regex("'shape':\\s*\\(([^)]*)\\)")))
      throw UserError(path + ": .npy header without a shape");
    std::string dims = m[1].str();
    std::regex number("-?\\d+");
    for (auto it = std::sregex_iterator(dims.begin(), dims.end(), number);
         it != std::sregex_iterator(); ++it) {
      if (it->str()[0] == '-')
        throw UserError(path + ": .npy header gives shape (" + dims + "), with the negative size " +
                        it->str() + "; expected sizes >= 0 (the header is damaged)");
      shape_.push_back(it->length() <= 18 ? std::stoll(it->str()) : -1);
    }
    check_size_against_file();
  }

  // A damaged header must not make the converter allocate or write what the file cannot hold:
  // the values its shape promises fit in the bytes after the header.
  void check_size_against_file() {
    const int64_t holds = std::max<int64_t>(0, file_bytes_ - in_.tellg());
    std::string promised;
    int64_t values = 1;
    bool fits = true;
    for (int64_t d : shape_) {  // N = 0 still needs room for one sample: no empty-file giants
      promised += (promised.empty() ? "" : " x ") + (d < 0 ? "(too large)" : std::to_string(d));
      if (d < 0 || values > holds / size_ / std::max<int64_t>(d, 1)) fits = false;
      if (fits) values *= std::max<int64_t>(d, 1);
    }
    if (!fits)
      throw UserError(path_ + ": truncated .npy file: its shape promises " + promised +
                      " values of " + std::to_string(size_) + " byte(s), but the file holds " +
                      std::to_string(holds) + " bytes after the header");
  }

  const std::vector<int64_t>& shape() const { return shape_; }
  char kind() const { return kind_; }  // 'u', 'i', 'f', 'b'
  int size() const { return size_; }
  std::string descr() const { return std::string(1, kind_) + std::to_string(size_); }
  int64_t per_item() const {
    int64_t n = 1;
    for (size_t i = 1; i < shape_.size(); ++i) n *= shape_[i];
    return n;
  }
  void read(void* dst, int64_t bytes, int64_t first_item) {
    if (!in_.read(static_cast<char*>(dst), bytes))
      throw UserError(path_ + ": truncated .npy data (item " + std::to_string(first_item) + " of " +
                      std::to_string(shape_.empty() ? 0 : shape_[0]) + " missing)");
  }
  // n values as doubles; integer or float kinds of the sizes numpy uses.
  void read_values(int64_t first_item, int64_t count, std::vector<double>& out) {
    std::vector<uint8_t> raw(count * size_);
    read(raw.data(), static_cast<int64_t>(raw.size()), first_item);
    out.resize(count);
    for (int64_t i = 0; i < count; ++i) {
      const uint8_t* p = raw.data() + i * size_;
      if (kind_ == 'f' && size_ == 2) {
        out[i] = half_to_float(static_cast<uint16_t>(p[0] | (p[1] << 8)));
      } else if (kind_ == 'f' && size_ == 4) {
        float f;
        std::memcpy(&f, p, 4);
        out[i] = f;
      } else if (kind_ == 'f' && size_ == 8) {
        double d;
        std::memcpy(&d, p, 8);
        out[i] = d;
      } else {
        uint64_t u = 0;
        for (int k = size_ - 1; k >= 0; --k) u = (u << 8) | p[k];
        if (kind_ == 'i' && size_ < 8 && (u >> (size_ * 8 - 1)) & 1)
          u |= ~uint64_t{0} << (size_ * 8);  // sign-extend
        out[i] =
            kind_ == 'i' ? static_cast<double>(static_cast<int64_t>(u)) : static_cast<double>(u);
      }
    }
  }

 private:
  std::string path_;
  std::ifstream in_;
  char kind_ = 0;
  int size_ = 0;
  std::vector<int64_t> shape_;
  int64_t file_bytes_ = 0;
};

}  // namespace

ConvertSummary convert_npy(const std::string& images_path, const std::string& labels_path,
                           const std::string& out, const StorageOptions& storage) {
  NpyFile images(images_path);
  const std::vector<int64_t>& d = images.shape();
  const bool u8 = images.kind() == 'u' && images.size() == 1;
  const bool fl =
      images.kind() == 'f' && (images.size() == 2 || images.size() == 4 || images.size() == 8);
  if (!u8 && !fl)
    throw UserError(images_path + ": .npy of type " + images.descr() +
                    "; expected uint8, float16, float32 or float64");
  if (d.size() < 2 || d.size() > 4)
    throw UserError(images_path + ": .npy of " + std::to_string(d.size()) +
                    " dimension(s); expected (N, D), (N, H, W) or (N, C, H, W)");
  const int64_t n = d[0];
  ConvertSummary summary;
  summary.sample_shape = Shape::sample_of_dims(d);
  summary.type = u8 ? "uint8" : "float32";

  std::vector<int> labels;
  if (!labels_path.empty()) {
    NpyFile lf(labels_path);
    if (lf.shape().size() != 1 || (lf.kind() != 'i' && lf.kind() != 'u'))
      throw UserError(labels_path + ": .npy labels of type " + lf.descr() + " and " +
                      std::to_string(lf.shape().size()) +
                      " dimension(s); expected a 1-d integer array");
    if (lf.shape()[0] != n)
      throw UserError(labels_path + ": " + std::to_string(lf.shape()[0]) + " labels but " +
                      images_path + " has " + std::to_string(n) + " samples; expected equal");
    std::vector<double> v;
    lf.read_values(0, n, v);
    for (size_t i = 0; i < v.size(); ++i)
      if (std::fabs(v[i]) > std::numeric_limits<int32_t>::max())
        throw UserError(labels_path + ": label " + std::to_string(i) +
                        " is out of range; expected a 32-bit integer");
    labels.assign(v.begin(), v.end());
    summary.labels = true;
  }

  DatasetWriter writer(out, summary.sample_shape, u8 ? SampleType::kUint8 : SampleType::kFloat32,
                       summary.labels, images_path, storage);
  const int64_t per = images.per_item();
  const int64_t batch = std::max<int64_t>(1, (4 << 20) / (per * images.size()));
  std::vector<uint8_t> bytes;
  std::vector<double> values;
  std::vector<float> floats;
  for (int64_t i = 0; i < n; i += batch) {
    const int64_t m = std::min(batch, n - i);
    const int* l = summary.labels ? labels.data() + i : nullptr;
    if (u8) {
      bytes.resize(m * per);
      images.read(bytes.data(), m * per, i);
      writer.append(bytes.data(), m, l);
    } else {
      images.read_values(i, m * per, values);
      floats.assign(values.begin(), values.end());
      writer.append(floats.data(), m, l);
    }
  }
  summary.samples = n;
  summary.type = writer.stored_type();
  writer.close();
  return summary;
}

}  // namespace latent
