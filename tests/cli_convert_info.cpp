// `latent convert` and `latent info` end to end.
#include <cstdint>

#include "cli_run.hpp"
#include "io/read_all.hpp"

namespace latent {
namespace {

using testing::CliTest;

// A big-endian IDX file: magic (0, 0, type 0x08 ubyte, ndims), dims, then the bytes.
void write_idx(const std::filesystem::path& p, const std::vector<uint32_t>& dims,
               const std::vector<uint8_t>& bytes) {
  std::ofstream out(p, std::ios::binary);
  uint8_t magic[4] = {0, 0, 0x08, static_cast<uint8_t>(dims.size())};
  out.write(reinterpret_cast<char*>(magic), 4);
  for (uint32_t d : dims) {
    uint8_t be[4] = {uint8_t(d >> 24), uint8_t(d >> 16), uint8_t(d >> 8), uint8_t(d)};
    out.write(reinterpret_cast<char*>(be), 4);
  }
  out.write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

TEST_F(CliTest, ConvertIdxThenInfoDescribesTheFile) {
  std::vector<uint8_t> pixels(6 * 4 * 5), labels(6);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 7);
  for (size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<uint8_t>(i % 3);
  write_idx(path("img-idx3-ubyte"), {6, 4, 5}, pixels);
  write_idx(path("lbl-idx1-ubyte"), {6}, labels);
  auto r = run(" convert --from idx img-idx3-ubyte lbl-idx1-ubyte --out small.h5");
  ASSERT_EQ(r.status, 0) << r.output;
  LoadedDataset d = read_all(DatasetSpec{path("small.h5").string(), "images", "labels", {}});
  ASSERT_EQ(d.images.shape(), (Shape{6, 1, 4, 5}));
  EXPECT_FLOAT_EQ(d.images.data()[3], 21 / 255.0f);  // uint8 scaled to [0, 1]
  EXPECT_EQ(d.labels[4], 1);

  auto info = run(" info small.h5");
  ASSERT_EQ(info.status, 0) << info.output;
  for (auto s : {"/images", "uint8", "(6, 1, 4, 5)", "/labels"})
    EXPECT_NE(info.output.find(s), std::string::npos) << s << " in " << info.output;
}

TEST_F(CliTest, InfoOfACheckpointNamesItsModelAndStep) {
  ASSERT_EQ(run(" train --data mnist.h5 --model ae --hidden 32 --latent 4 --max-steps 7 --out run")
                .status,
            0);
  auto info = run(" info run/checkpoint.h5");
  ASSERT_EQ(info.status, 0) << info.output;
  for (auto s : {"checkpoint: model ae, arch mlp, step 7", "/params/encoder/0_linear/weight"})
    EXPECT_NE(info.output.find(s), std::string::npos) << s << " in " << info.output;
}

// --compression none writes chunks a rank reads without decompressing; --dtype float32 stores
// uint8 scaled as the reader scales it, so both files hold the same values.
TEST_F(CliTest, ConvertChoosesCompressionAndType) {
  std::vector<uint8_t> pixels(6 * 4 * 5);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 7);
  write_idx(path("img-idx3-ubyte"), {6, 4, 5}, pixels);
  auto plain = run(" convert --from idx img-idx3-ubyte --out plain.h5 --compression none");
  ASSERT_EQ(plain.status, 0) << plain.output;
  EXPECT_NE(plain.output.find("uint8, no labels, uncompressed"), std::string::npos) << plain.output;
  auto info = run(" info plain.h5");
  EXPECT_EQ(info.output.find("gzip"), std::string::npos) << info.output;

  auto f32 =
      run(" convert --from idx img-idx3-ubyte --out f32.h5 --compression gzip=9 "
          "--dtype float32");
  ASSERT_EQ(f32.status, 0) << f32.output;
  EXPECT_NE(f32.output.find("float32, no labels, gzip level 9"), std::string::npos) << f32.output;
  info = run(" info f32.h5");
  EXPECT_NE(info.output.find("float32"), std::string::npos) << info.output;
  EXPECT_NE(info.output.find("gzip 9"), std::string::npos) << info.output;
  LoadedDataset a = read_all(DatasetSpec{path("plain.h5").string(), "images", "labels", {}});
  LoadedDataset b = read_all(DatasetSpec{path("f32.h5").string(), "images", "labels", {}});
  ASSERT_EQ(a.images.numel(), b.images.numel());
  for (int64_t i = 0; i < a.images.numel(); ++i)
    ASSERT_EQ(a.images.data()[i], b.images.data()[i]) << i;

  for (auto bad : {" --compression zip", " --compression gzip=0", " --dtype float64"}) {
    auto r = run(std::string(" convert --from idx img-idx3-ubyte --out bad.h5") + bad);
    EXPECT_NE(r.status, 0) << bad;
    EXPECT_NE(r.output.find(std::string(bad).substr(1, 9)), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(path("bad.h5"))) << bad;
  }
}

TEST_F(CliTest, ConvertRefusesATruncatedIdxNamingIt) {
  write_idx(path("short-idx3-ubyte"), {10, 28, 28}, std::vector<uint8_t>(100));
  auto r = run(" convert --from idx short-idx3-ubyte --out never.h5");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("short-idx3-ubyte"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(path("never.h5")));
}

}  // namespace
}  // namespace latent
