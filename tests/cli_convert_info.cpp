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
  for (auto s : {"ae", "7", "/params/encoder/0_linear/weight"})
    EXPECT_NE(info.output.find(s), std::string::npos) << s << " in " << info.output;
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
