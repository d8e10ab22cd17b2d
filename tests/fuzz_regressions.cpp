// Inputs the fuzzers of fuzz/ (scripts/fuzz.sh) found to crash a reader, or to make it allocate
// what the file does not hold; each must now be refused with a UserError naming the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "io/array_file.hpp"
#include "io/checkpoint_reader.hpp"
#include "io/checkpoint_seal.hpp"
#include "io/checkpoint_writer.hpp"
#include "io/converters.hpp"
#include "io_test_util.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

using test::TempDir;

class FuzzRegression : public ::testing::Test {
 protected:
  // Writes `bytes` to a file of the scratch folder and returns its path.
  std::string input(const std::string& name, const std::string& bytes) {
    const std::string path = dir_.file(name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  // `read` fails with a UserError whose message names `path` and holds `expected`, and
  // leaves no output behind.
  void expect_refused(const std::string& path, const std::string& expected,
                      const std::function<void()>& read) {
    try {
      read();
      ADD_FAILURE() << path << ": read without an error";
    } catch (const UserError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(path), std::string::npos) << what;
      EXPECT_NE(what.find(expected), std::string::npos) << what;
    }
    EXPECT_FALSE(std::filesystem::exists(out()));
  }
  std::string out() const { return dir_.file("out.h5"); }

  TempDir dir_;
};

// fuzz_idx: an IDX header of 14 x 1910570359 x 2960524032 bytes in a 71-byte file reached
// HDF5 (H5Pset_chunk failed: std::runtime_error, not a UserError).
TEST_F(FuzzRegression, IdxHeaderPromisingMoreThanTheFileHolds) {
  const std::string images = input(
      "crash.idx", std::string("\x00\x00\x08\x03\x00\x00\x00\x0eq\xe0\xfdw\xb0v\x03\x00\x00\x00"
                               "\x04\x00\x00\x00\x04\x44 \x82<\xfd\xe6\xf1\xc2k0\xf9\x0e\xc7\xdd"
                               "\x01\x93\x88u4\xa2\x0f\x0b\x0d\x04\xc3n\xd8\x0eq\xe0\xfdw\xb0vp"
                               "\xeb\x94\x0e\xd5\x33_\x97=\xaa\xd8\x61\x9b\x91",
                               71));
  expect_refused(images, "truncated IDX file: its header promises 14 x 1910570359 x 2960524032",
                 [&] { convert_idx(images, "", out()); });
}

// fuzz_idx: an IDX header of 0 images of 235143168 x 131072 x 65536 doubles passed the size
// check (no values promised) and reached HDF5 (H5Pset_chunk failed: std::runtime_error).
TEST_F(FuzzRegression, IdxNoImagesOfAGiantShape) {
  const std::string images = input(
      "crash2.idx",
      std::string("\x00\x00\x0e\x04\x00\x00\x00\x00\x0e\x04\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00"
                  "\x00\x02\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x3f\xc0\x00\x00\x00\x00"
                  "\x00\x00\x3f\xd0\x00\x00\x00\x00\x00\x00\x3f\xd8\x00\x00\x00\x00\x00\x00\x3f\xe0"
                  "\x00\x02\x00\x00\x00",
                  65));
  expect_refused(images, "its header promises 0 x 235143168 x 131072 x 65536 values of 8 byte(s)",
                 [&] { convert_idx(images, "", out()); });
}

// fuzz_npy: a v2 header length of 2.7 GB in a 29-byte file was allocated before reading.
TEST_F(FuzzRegression, NpyHeaderLengthBeyondTheFile) {
  const std::string images = input(
      "oom.npy",
      std::string("\x93NUMPY\x02\x00t\x00\x00\xa2\x64{7\xa9\x00\x63\x93NUMPY\x02\x00r't", 29));
  expect_refused(images, "truncated .npy header", [&] { convert_npy(images, "", out()); });
}

// fuzz_npy: a v2 file that ends inside its header length: the length was read from
// uninitialised bytes (gigabytes allocated).
TEST_F(FuzzRegression, NpyEndingInsideTheHeaderLength) {
  const std::string images = input("oom2.npy", std::string("\x93NUMPY\x02\x93", 8));
  expect_refused(images, "truncated .npy header", [&] { convert_npy(images, "", out()); });
}

// A shape promising 10^11 bytes in a tiny file was allocated in full (the fuzzer's out-of-memory
// class above, through the shape); a dimension beyond int64 escaped as std::out_of_range.
TEST_F(FuzzRegression, NpyShapePromisingMoreThanTheFileHolds) {
  auto npy = [](const std::string& shape) {
    std::string h = "{'descr': '|u1', 'fortran_order': False, 'shape': " + shape + ", }";
    h += std::string(118 - h.size(), ' ') + "\n";
    return std::string("\x93NUMPY\x01\x00", 8) + std::string(1, static_cast<char>(h.size())) +
           std::string(1, '\0') + h + std::string(16, '\x01');
  };
  const std::string huge = input("huge.npy", npy("(1, 100000000000)"));
  expect_refused(huge,
                 "its shape promises 1 x 100000000000 values of 1 byte(s), but the file "
                 "holds 16 bytes",
                 [&] { convert_npy(huge, "", out()); });
  const std::string beyond = input("beyond.npy", npy("(99999999999999999999, 2)"));
  expect_refused(beyond, "(too large)", [&] { convert_npy(beyond, "", out()); });
}

// The same class as the CSV label below, in .npy labels: int64 labels beyond int32.
TEST_F(FuzzRegression, NpyLabelBeyondInt32) {
  auto npy = [](const std::string& descr, const std::string& shape, const std::string& data) {
    std::string h = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    h += std::string(118 - h.size(), ' ') + "\n";
    return std::string("\x93NUMPY\x01\x00", 8) + std::string(1, static_cast<char>(h.size())) +
           std::string(1, '\0') + h + data;
  };
  const std::string images = input("i.npy", npy("|u1", "(1, 2)", "\x01\x02"));
  const std::string labels = input("l.npy", npy("<i8", "(1,)", std::string(7, '\0') + "\x40"));
  expect_refused(labels, "label 0 is out of range; expected a 32-bit integer",
                 [&] { convert_npy(images, labels, out()); });
}

// fuzz_csv: a label of 10^28 was converted to int (undefined behaviour, UBSan).
TEST_F(FuzzRegression, CsvLabelBeyondInt32) {
  const std::string csv =
      input("crash.csv", std::string("9999999999999999999999999990,14\x0d\x0a\x00\x00\x00\x00,3, "
                                     "\x00,d,4,5 \x00",
                                     50));
  CsvOptions options;
  options.label_column = 0;
  expect_refused(csv, "line 1, column 0: label '9999999999999999999999999990' is out of range",
                 [&] { convert_csv(csv, options, out()); });
}

// fuzz_checkpoint: a damaged file whose /meta could not be opened as a group, and paths that
// are not datasets, escaped as std::runtime_error ("HDF5 call failed: H5Gopen2 /meta").
TEST_F(FuzzRegression, CheckpointMetaOrTensorOfTheWrongKind) {
  const std::string meta = dir_.file("meta.h5");
  const float one = 1;
  write_array(meta, "meta", {1}, ArrayType::kFloat32, &one);
  expect_refused(meta, "/meta is not a readable group", [&] { CheckpointReader r(meta); });
  const std::string group = dir_.file("group.h5");
  {
    CheckpointWriter w(group);
    w.write_ints("/rng/seed", {1});
    w.commit();
  }
  CheckpointReader r(group);
  expect_refused(group, "/rng is not a readable dataset", [&] { r.read_ints("/rng"); });
}

// fuzz_checkpoint: a damaged dataspace claiming a (2^40) tensor made read_tensor allocate it
// (out of memory); reading the same file's integers the same.
TEST_F(FuzzRegression, CheckpointTensorClaimingMoreThanTheFileHolds) {
  const std::string path = dir_.file("huge.h5");
  {
    CheckpointWriter w(path);
    w.write_tensor("/x", Tensor(Shape{12345}));
    w.write_ints("/n", std::vector<int64_t>(12345, 7));
    w.commit();
  }
  // Every 64-bit 12345 in the file (dims and max dims of both dataspaces) becomes 2^40.
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string from("\x39\x30\0\0\0\0\0\0", 8), to("\0\0\0\0\0\x01\0\0", 8);
  int patched = 0;
  for (size_t at = bytes.find(from); at != std::string::npos; at = bytes.find(from, at + 8)) {
    bytes.replace(at, 8, to);
    ++patched;
  }
  ASSERT_GE(patched, 2);
  // Resealed, so that the damage reaches the reader's own checks behind the seal.
  std::vector<char> image(bytes.begin(), bytes.end());
  seal_checkpoint_image(image);
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(image.data(), image.size());
  CheckpointReader r(path);
  expect_refused(path, "/x claims shape (1099511627776), more values than its file",
                 [&] { r.read_tensor("/x"); });
  expect_refused(path, "/n claims shape (1099511627776)", [&] { r.read_ints("/n"); });
}

}  // namespace
}  // namespace latent
