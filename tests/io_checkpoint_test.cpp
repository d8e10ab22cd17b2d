// Checkpoints: save → load is identical; mismatches name the path; a failed write leaves the
// previous checkpoint intact.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "io/checkpoint_reader.hpp"
#include "io/checkpoint_writer.hpp"
#include "io/file_info.hpp"
#include "io_test_util.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

using test::error_of;

using test::TempDir;

Tensor filled(const Shape& s, float start) {
  Tensor t(s);
  for (int64_t i = 0; i < t.numel(); ++i) t.data()[i] = start + 0.001f * i;
  return t;
}

void write_example(const std::string& path, float start, int64_t step) {
  CheckpointWriter w(path);
  w.write_tensor("/params/encoder/fc1/weight", filled(Shape{8, 12}, start));
  w.write_tensor("/params/encoder/fc1/bias", filled(Shape{8}, start + 1));
  w.write_tensor("/params/decoder/conv/weight", filled(Shape{4, 2, 3, 3}, start + 2));
  w.write_tensor("/optim/encoder/m", filled(Shape{104}, start + 3));
  w.write_ints("/rng/state", {42, step, -7});
  w.set_meta("model", "vae");
  w.set_meta("arch", "mlp");
  w.set_meta("config", "[model]\nkind = vae\nbeta = 1\n");
  w.set_meta("step", step);
  w.set_meta("epoch", int64_t{3});
  w.set_meta_float("learning_rate", 1e-3);
  w.commit();
}

TEST(IoCheckpoint, SaveThenLoadIsIdentical) {
  TempDir dir;
  const std::string path = dir.file("checkpoint.h5");
  write_example(path, 0.5f, 1200);
  CheckpointReader r(path);
  EXPECT_EQ(r.tensor_names(),
            (std::vector<std::string>{"/optim/encoder/m", "/params/decoder/conv/weight",
                                      "/params/encoder/fc1/bias", "/params/encoder/fc1/weight",
                                      "/rng/state"}));
  for (auto [name, shape, start] :
       {std::tuple<std::string, Shape, float>{"/params/encoder/fc1/weight", Shape{8, 12}, 0.5f},
        {"/params/encoder/fc1/bias", Shape{8}, 1.5f},
        {"/params/decoder/conv/weight", Shape{4, 2, 3, 3}, 2.5f},
        {"/optim/encoder/m", Shape{104}, 3.5f}}) {
    Tensor expected = filled(shape, start);
    Tensor got(shape);
    r.read_tensor(name, got);
    for (int64_t i = 0; i < got.numel(); ++i) ASSERT_EQ(got.data()[i], expected.data()[i]) << name;
    EXPECT_EQ(r.read_tensor(name).shape(), shape);
  }
  EXPECT_EQ(r.read_ints("/rng/state"), (std::vector<int64_t>{42, 1200, -7}));
  EXPECT_EQ(r.meta_string("model"), "vae");
  EXPECT_EQ(r.meta_string("config"), "[model]\nkind = vae\nbeta = 1\n");
  EXPECT_EQ(r.meta_int("step"), 1200);
  EXPECT_DOUBLE_EQ(r.meta_float("learning_rate"), 1e-3);
  EXPECT_TRUE(r.has_meta("epoch"));
  EXPECT_FALSE(r.has_meta("world_size"));
  std::string info = describe_file(path);
  EXPECT_NE(info.find("checkpoint: model vae, arch mlp, step 1200, epoch 3"), std::string::npos)
      << info;
  // Only the checkpoint remains in the folder: no temporary files.
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++files;
  EXPECT_EQ(files, 1);
}

TEST(IoCheckpoint, MismatchesNameThePathAndBothShapes) {
  TempDir dir;
  const std::string path = dir.file("c.h5");
  write_example(path, 0, 1);
  CheckpointReader r(path);
  Tensor wrong(Shape{8, 10});
  std::string e = error_of([&] { r.read_tensor("/params/encoder/fc1/weight", wrong); });
  EXPECT_NE(e.find(path), std::string::npos) << e;
  EXPECT_NE(e.find("/params/encoder/fc1/weight"), std::string::npos) << e;
  EXPECT_NE(e.find("model expects (8, 10), checkpoint has (8, 12)"), std::string::npos) << e;
  e = error_of([&] { r.read_tensor("/params/encoder/fc2/weight", wrong); });
  EXPECT_NE(e.find("no tensor /params/encoder/fc2/weight"), std::string::npos) << e;
  e = error_of([&] { r.expect_meta("model", "gan"); });
  EXPECT_NE(e.find("'vae'"), std::string::npos) << e;
  EXPECT_NE(e.find("'gan'"), std::string::npos) << e;
  e = error_of([&] { r.meta_int("model"); });
  EXPECT_NE(e.find("not an integer"), std::string::npos) << e;
  e = error_of([&] { r.meta_string("nothing"); });
  EXPECT_NE(e.find("'nothing'"), std::string::npos) << e;
}

TEST(IoCheckpoint, AnAbandonedWriteLeavesThePreviousCheckpointIntact) {
  TempDir dir;
  const std::string path = dir.file("c.h5");
  write_example(path, 0.25f, 100);
  {
    CheckpointWriter w(path);
    w.write_tensor("/params/encoder/fc1/weight", filled(Shape{8, 12}, 9.0f));
    w.set_meta("step", int64_t{200});
    // No commit: as if the job died here.
  }
  CheckpointReader r(path);
  EXPECT_EQ(r.meta_int("step"), 100);
  EXPECT_FLOAT_EQ(r.read_tensor("/params/encoder/fc1/weight").data()[0], 0.25f);
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++files;
  EXPECT_EQ(files, 1);
  // A committed rewrite replaces it.
  write_example(path, 0.75f, 300);
  CheckpointReader r2(path);
  EXPECT_EQ(r2.meta_int("step"), 300);
}

TEST(IoCheckpoint, UnwritableFolderAndNonCheckpointFiles) {
  TempDir dir;
  std::string e = error_of([&] { CheckpointWriter w(dir.file("missing/folder/c.h5")); });
  EXPECT_NE(e.find("missing/folder/c.h5"), std::string::npos) << e;
  const std::string junk = dir.file("junk.h5");
  std::ofstream(junk) << "not hdf5";
  e = error_of([&] { CheckpointReader r(junk); });
  EXPECT_NE(e.find(junk), std::string::npos) << e;
}

std::vector<char> bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

void put_bytes(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), bytes.size());
}

// Damage anywhere after the seal is refused before libhdf5 reads the file (libhdf5 itself can
// crash or hang on damaged metadata); a file without a seal (written before seals) still loads.
TEST(IoCheckpoint, TheSealRefusesADamagedOrTruncatedCheckpoint) {
  TempDir dir;
  const std::string path = dir.file("c.h5");
  write_example(path, 0.25f, 100);
  const std::vector<char> good = bytes_of(path);
  ASSERT_GT(good.size(), 1024u);
  EXPECT_EQ(std::string(good.data(), 25), "latent checkpoint seal 1\n");

  for (size_t at = 512; at < good.size(); at += 131) {
    std::vector<char> bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x10);
    put_bytes(path, bad);
    const std::string e = error_of([&] { CheckpointReader r(path); });
    EXPECT_NE(e.find("checkpoint " + path + " is damaged: its contents have CRC-32"),
              std::string::npos)
        << "byte " << at << ": " << e;
  }
  std::vector<char> shorter(good.begin(), good.end() - 100);
  put_bytes(path, shorter);
  std::string e = error_of([&] { CheckpointReader r(path); });
  EXPECT_NE(e.find("its seal promises " + std::to_string(good.size() - 512) +
                   " bytes after the seal, the file holds " + std::to_string(good.size() - 612)),
            std::string::npos)
      << e;
  put_bytes(path, std::vector<char>(good.begin(), good.begin() + 300));
  e = error_of([&] { CheckpointReader r(path); });
  EXPECT_NE(e.find("it ends inside its 512-byte seal, at byte 300"), std::string::npos) << e;
  std::vector<char> garbled = good;
  garbled[30] = 'x';
  put_bytes(path, garbled);
  e = error_of([&] { CheckpointReader r(path); });
  EXPECT_NE(e.find("its seal (the first 512 bytes) is unreadable"), std::string::npos) << e;

  // Without its seal (zeros where it was), the file is one of before seals: read as it is.
  std::vector<char> unsealed = good;
  std::fill(unsealed.begin(), unsealed.begin() + 512, '\0');
  put_bytes(path, unsealed);
  CheckpointReader r(path);
  EXPECT_EQ(r.meta_int("step"), 100);
  EXPECT_FLOAT_EQ(r.read_tensor("/params/encoder/fc1/weight").data()[0], 0.25f);
}

}  // namespace
}  // namespace latent
