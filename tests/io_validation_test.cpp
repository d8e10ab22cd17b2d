// Every bad dataset file is one UserError naming the file and what is wrong.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <limits>

#include "io/read_all.hpp"
#include "io/streaming_dataset.hpp"
#include "io_test_util.hpp"
#include "runtime/error.hpp"
#include "runtime/threads.hpp"

namespace latent {
namespace {

using test::file_spec;
using test::TempDir;

// Runs f, expecting a UserError whose message holds every one of `parts`.
void expect_user_error(const std::function<void()>& f, const std::vector<std::string>& parts) {
  try {
    f();
  } catch (const UserError& e) {
    for (const std::string& p : parts)
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos)
          << "message \"" << e.what() << "\" lacks \"" << p << "\"";
    return;
  }
  ADD_FAILURE() << "no UserError";
}

// Opens the file and streams one epoch (errors found while reading surface from next_batch).
void stream(const DatasetSpec& spec, int64_t batch = 4, int world = 1) {
  StreamingOptions o;
  o.batch_per_rank = batch;
  o.world = world;
  StreamingDataset ds(spec, o);
  ds.start_epoch(0);
  Tensor t;
  while (ds.next_batch(t, nullptr, nullptr)) {
  }
}

class IoValidation : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(IoValidation, MissingFile) {
  const std::string path = dir_.file("absent.h5");
  expect_user_error([&] { stream(file_spec(path)); }, {path, "no such file"});
}

TEST_F(IoValidation, NotHdf5) {
  const std::string path = dir_.file("text.h5");
  std::ofstream(path) << "just some text, not HDF5\n";
  expect_user_error([&] { stream(file_spec(path)); }, {path, "not an HDF5 file"});
}

TEST_F(IoValidation, TruncatedFile) {
  const std::string good = dir_.file("good.h5"), cut = dir_.file("cut.h5");
  test::write_indexed_file(good, 2000, 64, ArrayLayout{0, 0});
  std::ifstream in(good, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  expect_user_error([&] { stream(file_spec(cut)); }, {cut, "truncated"});
}

TEST_F(IoValidation, MissingDataset) {
  const std::string path = dir_.file("d.h5");
  test::write_indexed_file(path, 100, 4, ArrayLayout{});
  DatasetSpec spec = file_spec(path);
  spec.images_name = "pixels";
  expect_user_error([&] { stream(spec); }, {path, "/pixels"});
}

TEST_F(IoValidation, WrongRank) {
  const std::string path = dir_.file("d.h5");
  std::vector<float> v(100);
  write_array(path, "images", {100}, ArrayType::kFloat32, v.data());
  expect_user_error([&] { stream(file_spec(path)); }, {path, "/images", "rank 1"});
}

TEST_F(IoValidation, WrongType) {
  const std::string path = dir_.file("d.h5");
  std::vector<int64_t> v(100 * 3);
  write_array(path, "images", {100, 3}, ArrayType::kInt64, v.data());
  expect_user_error([&] { stream(file_spec(path)); }, {path, "/images", "int64"});
}

TEST_F(IoValidation, Empty) {
  const std::string path = dir_.file("d.h5");
  write_array(path, "images", {0, 1, 28, 28}, ArrayType::kUint8, nullptr);
  expect_user_error([&] { stream(file_spec(path)); }, {path, "/images", "empty"});
}

// Headers that promise more than the file holds are refused before any buffer is sized by them
// (2^31 rows of nothing made `train` grow memory for minutes).
TEST_F(IoValidation, HeaderPromisingRowsTheFileLacks) {
  const std::string chunked = dir_.file("chunked.h5"), flat = dir_.file("flat.h5");
  write_array(chunked, "images", {int64_t{1} << 31, 1, 28, 28}, ArrayType::kUint8, nullptr,
              ArrayLayout{1024, 0});
  expect_user_error([&] { stream(file_spec(chunked)); },
                    {chunked, "/images", "2147483648 samples", "holds only 0"});
  write_array(flat, "images", {100000, 784}, ArrayType::kFloat32, nullptr);
  expect_user_error([&] { stream(file_spec(flat)); },
                    {flat, "/images", "100000 samples", "holds 0 bytes"});
}

TEST_F(IoValidation, FewerSamplesThanOneGlobalBatch) {
  const std::string path = dir_.file("d.h5");
  test::write_indexed_file(path, 30, 4, ArrayLayout{});
  expect_user_error([&] { stream(file_spec(path), 8, 4); }, {path, "30 samples", "32"});
  // Filtering can leave too few: 3 samples of class 7.
  DatasetSpec spec = file_spec(path);
  spec.classes = {7};
  expect_user_error([&] { stream(spec, 4, 1); }, {path, "3 samples", "{7}"});
}

TEST_F(IoValidation, NanAndInfNameTheSample) {
  for (float bad :
       {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    const std::string path = dir_.file(std::isnan(bad) ? "nan.h5" : "inf.h5");
    std::vector<float> v(200 * 8, 0.5f);
    v[137 * 8 + 5] = bad;
    write_array(path, "images", {200, 8}, ArrayType::kFloat32, v.data(), ArrayLayout{16, 1});
    const std::string what = std::isnan(bad) ? "NaN" : "Inf";
    expect_user_error([&] { stream(file_spec(path)); }, {path, "sample 137", what});
    expect_user_error([&] { read_all(file_spec(path)); }, {path, "sample 137", what});
  }
}

// Large batches are decoded by the compute threads together; the error is still the one a
// single thread meets first, whichever thread found which bad sample.
TEST_F(IoValidation, BadValuesInABatchDecodedByManyThreads) {
  const std::string path = dir_.file("two_bad.h5");
  std::vector<float> v(512 * 256, 0.5f);
  v[100 * 256 + 3] = std::numeric_limits<float>::quiet_NaN();
  v[400 * 256 + 9] = std::numeric_limits<float>::infinity();
  write_array(path, "images", {512, 256}, ArrayType::kFloat32, v.data(), ArrayLayout{64, 0});
  auto message = [&](int threads) {
    set_num_threads(threads);
    try {
      stream(file_spec(path), 512);
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string("no UserError");
  };
  const std::string one = message(1), two = message(2);
  set_num_threads(1);
  EXPECT_NE(one.find(path), std::string::npos) << one;
  EXPECT_TRUE(one.find("sample 100 holds NaN") != std::string::npos ||
              one.find("sample 400 holds Inf") != std::string::npos)
      << one;
  EXPECT_EQ(one, two);
}

TEST_F(IoValidation, LabelsLengthDiffers) {
  const std::string path = dir_.file("d.h5");
  std::vector<float> v(100 * 4);
  std::vector<int32_t> l(99);
  write_array(path, "images", {100, 4}, ArrayType::kFloat32, v.data());
  write_array(path, "labels", {99}, ArrayType::kInt32, l.data());
  expect_user_error([&] { stream(file_spec(path)); }, {path, "99 labels", "100 samples"});
}

TEST_F(IoValidation, ClassesWithoutLabels) {
  const std::string path = dir_.file("d.h5");
  std::vector<float> v(100 * 4);
  write_array(path, "images", {100, 4}, ArrayType::kFloat32, v.data());
  DatasetSpec spec = file_spec(path);
  spec.classes = {1};
  expect_user_error([&] { stream(spec); }, {path, "/labels"});
}

TEST_F(IoValidation, BadOptions) {
  const std::string path = dir_.file("d.h5");
  test::write_indexed_file(path, 100, 4, ArrayLayout{});
  StreamingOptions o;
  o.rank = 2;
  o.world = 2;
  expect_user_error([&] { StreamingDataset(file_spec(path), o); }, {"rank 2", "world"});
  o = StreamingOptions{};
  o.buffer_mb = 1e-6;
  expect_user_error([&] { StreamingDataset(file_spec(path), o); }, {path, "buffer"});
}

TEST(IoReadAll, ReadsEverySampleInFileOrderAndFilters) {
  TempDir dir;
  const std::string path = dir.file("d.h5");
  test::write_indexed_file(path, 123, 5, ArrayLayout{10, 3});
  LoadedDataset all = read_all(file_spec(path));
  ASSERT_EQ(all.images.shape(), (Shape{123, 5}));
  ASSERT_EQ(all.labels.size(), 123u);
  for (int64_t i = 0; i < 123; ++i) {
    EXPECT_FLOAT_EQ(all.images.data()[i * 5 + 2], i + 0.002f);
    EXPECT_EQ(all.labels[i], i % 10);
  }
  DatasetSpec spec = file_spec(path);
  spec.classes = {3};
  LoadedDataset threes = read_all(spec);
  ASSERT_EQ(threes.images.dim(0), 12);  // rows 3, 13, ..., 113
  EXPECT_FLOAT_EQ(threes.images.data()[5], 13.0f);
}

}  // namespace
}  // namespace latent
