// Issue 25, what goes in: a resume on other data, inputs that are not regular files, absurd
// labels, every float type, and configuration values that the INI text must carry back exactly.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

#include "cli_reliability_util.hpp"
#include "io/array_file.hpp"

namespace latent {
namespace {

using testing::expect_refused;
using testing::kTiny;
using testing::read_text;

class Reliability2 : public testing::ReliabilityTest {
 protected:
  // The digits as the mnist-json converter stores them (float32 in [0, 1], (N, 1, 28, 28)) and
  // their labels.
  void read_digits(std::vector<float>& images, std::vector<int32_t>& labels) {
    std::vector<uint8_t> raw = read_array_bytes(path("mnist.h5").string(), "images");
    images.resize(raw.size() / sizeof(float));
    std::memcpy(images.data(), raw.data(), raw.size());
    raw = read_array_bytes(path("mnist.h5").string(), "labels");
    labels.resize(raw.size() / sizeof(int32_t));
    std::memcpy(labels.data(), raw.data(), raw.size());
  }
  static constexpr int64_t kRows = 10000, kPixels = 784;
};

// IEEE binary16 bits of v (round to nearest even), for values in [0, 1].
uint16_t half_bits(float v) {
  if (v == 0.0f) return 0;
  int exponent = 0;
  const float m = std::frexp(v, &exponent);  // v = m * 2^exponent, m in [0.5, 1)
  if (exponent - 1 < -14) return static_cast<uint16_t>(std::nearbyint(std::ldexp(v, 24)));
  const long mantissa = std::lrint(std::ldexp(m, 11));  // 1024..2048
  return static_cast<uint16_t>(((exponent - 1 + 15) << 10) + (mantissa - 1024));
}

// A .npy file: its header as numpy writes it (version 1.0), then `bytes`.
void write_npy(const std::filesystem::path& p, const std::string& descr, const std::string& shape,
               const std::string& bytes) {
  std::string header =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::ofstream out(p, std::ios::binary);
  out << "\x93NUMPY" << '\x01' << '\x00' << static_cast<char>(header.size() & 0xff)
      << static_cast<char>(header.size() >> 8) << header << bytes;
}

TEST_F(Reliability2, ResumeContinuesOnlyOnItsOwnDataAndInitFromStartsANewRun) {
  train_tiny("run");
  std::vector<float> images;
  std::vector<int32_t> labels;
  read_digits(images, labels);
  // The same count, shape and type, other content: the rows reversed.
  std::vector<float> reversed(images.size());
  for (int64_t i = 0; i < kRows; ++i)
    std::copy_n(&images[(kRows - 1 - i) * kPixels], kPixels, &reversed[i * kPixels]);
  write_array(path("reversed.h5").string(), "images", {kRows, 1, 28, 28}, ArrayType::kFloat32,
              reversed.data());
  write_array(path("reversed.h5").string(), "labels", {kRows}, ArrayType::kInt32, labels.data());
  const std::string before = read_text(path("run/checkpoint.h5"));
  expect_refused(run(" train --resume run/checkpoint.h5 --data reversed.h5 --out run"),
                 {"--data reversed.h5 is not the data this run was trained on (mnist.h5)",
                  "content fingerprint", "--init-from run/checkpoint.h5"});
  // A smaller file differs by its count.
  ASSERT_EQ(run(" subset --data mnist.h5 --val-fraction 0.5 --out half.h5").status, 0);
  expect_refused(run(" train --resume run/checkpoint.h5 --data half.h5 --out run"),
                 {"samples 10000 then"});
  EXPECT_EQ(read_text(path("run/checkpoint.h5")), before);
  // The same file moved resumes.
  std::filesystem::copy_file(path("mnist.h5"), path("moved.h5"));
  auto moved = run(" train --resume run/checkpoint.h5 --data moved.h5 --max-steps 8 --out run");
  EXPECT_EQ(moved.status, 0) << moved.output;

  // --init-from: the model's options from the checkpoint, a new run on other data.
  auto tuned =
      run(" train --init-from run/checkpoint.h5 --data reversed.h5 --threads 1 "
          "--max-steps 3 --out tuned");
  ASSERT_EQ(tuned.status, 0) << tuned.output;
  const std::string config = read_text(path("tuned/config.ini"));
  EXPECT_NE(config.find("hidden = 32"), std::string::npos) << config;
  CheckpointReader tuned_ckpt(path("tuned/checkpoint.h5").string());
  EXPECT_EQ(tuned_ckpt.meta_int("step"), 3);
  EXPECT_EQ(tuned_ckpt.meta_string("init_from"), "run/checkpoint.h5");
  EXPECT_EQ(tuned_ckpt.meta_string("data_path"), "reversed.h5");
  // Its weights started from the checkpoint's, not from a fresh draw.
  auto fresh = run(" train --data reversed.h5" + std::string(kTiny) + " --max-steps 3 --out fresh");
  ASSERT_EQ(fresh.status, 0) << fresh.output;
  EXPECT_NE(read_text(path("fresh/checkpoint.h5")), read_text(path("tuned/checkpoint.h5")));
  expect_refused(run(" train --init-from run/checkpoint.h5 --data mnist.h5 --out run"),
                 {"is the checkpoint this new run would replace"});
  expect_refused(run(" train --init-from run/checkpoint.h5 --resume run/checkpoint.h5 --out x"),
                 {"--resume and --init-from"});
}

TEST_F(Reliability2, InputsThatAreNotRegularFilesAreRefusedBeforeTheyAreOpened) {
  train_tiny("run");
  ASSERT_EQ(::mkfifo(path("fifo.h5").c_str(), 0600), 0);
  // Each would block in open() forever; `timeout` turns a hang into status 124.
  const char* commands[] = {
      "timeout 20 $L train --data fifo.h5 --threads 1 --out t",
      "timeout 20 $L train --data mnist.h5 --val-data fifo.h5 --threads 1 --out t",
      "timeout 20 $L train --data mnist.h5 --config fifo.h5 --out t",
      "timeout 20 $L eval --checkpoint fifo.h5 --data mnist.h5",
      "timeout 20 $L encode --checkpoint run/checkpoint.h5 --data fifo.h5 --out z.h5",
      "timeout 20 $L convert --from npy fifo.h5 --out c.h5",
      "timeout 20 $L convert --from csv fifo.h5 --out c.h5",
      "timeout 20 $L convert --from idx fifo.h5 --out c.h5",
      "timeout 20 $L train --data mnist.h5 --init-from fifo.h5 --out t",
  };
  for (const char* c : commands) expect_refused(script(c), {"fifo.h5", "FIFO (named pipe)"});
  // A socket and a character device, likewise.
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string socket_path = path("sock.h5").string();
  ASSERT_LT(socket_path.size(), sizeof address.sun_path);
  std::strcpy(address.sun_path, socket_path.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  expect_refused(script("timeout 20 $L info sock.h5"), {"sock.h5", "a socket"});
  ::close(fd);
  expect_refused(script("timeout 20 $L train --data /dev/zero --threads 1 --out t"),
                 {"/dev/zero", "character device"});
}

TEST_F(Reliability2, AnAbsurdLabelIsNamedBeforeItSizesAModel) {
  std::vector<float> images;
  std::vector<int32_t> labels;
  read_digits(images, labels);
  std::vector<int64_t> wide(labels.begin(), labels.begin() + 1000);
  wide[7] = 1000000000;
  write_array(path("big.h5").string(), "images", {1000, 1, 28, 28}, ArrayType::kFloat32,
              images.data());
  write_array(path("big.h5").string(), "labels", {1000}, ArrayType::kInt64, wide.data());
  const std::string classifier =
      " train --model classifier --hidden 32 --threads 1 --max-steps 2 --out c";
  expect_refused(run(classifier + " --data big.h5 --latent 4"),
                 {"big.h5: /labels row 7 holds label 1000000000", "at most 100000 classes"});
  // The same bound for a class count given by hand, and the output layer counts toward the
  // model's size.
  expect_refused(run(classifier + " --data mnist.h5 --latent 4 --num-classes 2000000000"),
                 {"--num-classes 2000000000", "2 to 100000"});
  expect_refused(run(classifier + " --data mnist.h5 --num-classes 100000 --latent 40000000"),
                 {"--num-classes 100000", "GB of memory"});
  EXPECT_FALSE(std::filesystem::exists(path("c/checkpoint.h5")));
}

TEST_F(Reliability2, EveryFloatTypeTrainsAndOtherTypesAreRefusedByName) {
  std::vector<float> images;
  std::vector<int32_t> labels;
  read_digits(images, labels);
  const int64_t n = 2000;
  std::vector<uint16_t> half(n * kPixels);
  std::vector<double> wide(n * kPixels);
  std::vector<int16_t> shorts(n * kPixels);
  for (int64_t i = 0; i < n * kPixels; ++i) {
    half[i] = half_bits(images[i]);
    wide[i] = images[i];
    shorts[i] = static_cast<int16_t>(std::lround(images[i] * 255));
  }
  const std::vector<int64_t> dims = {n, 1, 28, 28};
  write_array(path("f16.h5").string(), "images", dims, ArrayType::kFloat16, half.data());
  write_array(path("f16c.h5").string(), "images", dims, ArrayType::kFloat16, half.data(),
              ArrayLayout{64, 4});
  write_array(path("f64.h5").string(), "images", dims, ArrayType::kFloat64, wide.data());
  write_array(path("i16.h5").string(), "images", dims, ArrayType::kInt16, shorts.data());
  for (const char* file : {"f16.h5", "f16c.h5", "f64.h5"}) {
    auto r = run(" train --data " + std::string(file) + kTiny + " --max-steps 3 --out r");
    EXPECT_EQ(r.status, 0) << file << ": " << r.output;
  }
  // float16 is read as float32 within half's rounding: the evaluations agree.
  auto e16 = run(" eval --checkpoint r/checkpoint.h5 --data f16.h5");
  auto e64 = run(" eval --checkpoint r/checkpoint.h5 --data f64.h5");
  ASSERT_EQ(e16.status, 0) << e16.output;
  EXPECT_NEAR(testing::last_json(e16.output)["loss"].get<double>(),
              testing::last_json(e64.output)["loss"].get<double>(), 0.05);
  expect_refused(run(" train --data i16.h5" + std::string(kTiny) + " --out r2"),
                 {"i16.h5: /images has type int16", "float16, float32 or float64"});
  // A float64 beyond float32's range is not clipped to ±FLT_MAX in silence.
  wide[5 * kPixels + 300] = 1e300;
  write_array(path("huge64.h5").string(), "images", dims, ArrayType::kFloat64, wide.data());
  expect_refused(run(" train --data huge64.h5" + std::string(kTiny) + " --recon mse --out r3"),
                 {"huge64.h5: /images rows", "beyond float32's range"});

  // .npy: float16 converts; a negative size in the header is refused.
  std::string bytes(reinterpret_cast<const char*>(half.data()), 100 * kPixels * 2);
  write_npy(path("h.npy"), "<f2", "(100, 28, 28)", bytes);
  auto converted = run(" convert --from npy h.npy --out h.h5");
  ASSERT_EQ(converted.status, 0) << converted.output;
  EXPECT_NE(converted.output.find("100 samples of (1, 28, 28) float32"), std::string::npos)
      << converted.output;
  write_npy(path("neg.npy"), "<f2", "(100, -28, 28)", bytes);
  expect_refused(run(" convert --from npy neg.npy --out n.h5"), {"neg.npy", "negative size -28"});
  write_npy(path("neg0.npy"), "<f4", "(-1,)", "");
  expect_refused(run(" convert --from npy neg0.npy --out n.h5"), {"negative size -1"});
  EXPECT_FALSE(std::filesystem::exists(path("n.h5")));
}

TEST_F(Reliability2, AnyValueRoundTripsThroughTheStoredConfiguration) {
  // A run folder whose name holds a newline, '=', '#', ';', a quote, a backslash and UTF-8.
  const std::string out = "run\nnew = line #1 ; \"q\" \\ é";
  std::ofstream(path("name.txt")) << out;
  auto r = script("out=$(cat name.txt); $L train --data mnist.h5" + std::string(kTiny) +
                  " --max-steps 2 --out \"$out\" && $L eval --checkpoint \"$out/checkpoint.h5\" "
                  "--data mnist.h5 && $L train --resume \"$out/checkpoint.h5\" --max-steps 4 "
                  "--out \"$out\" && $L train --config \"$out/config.ini\" --max-steps 2 --out "
                  "\"$out\"2");
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string config = read_text(path(out) / "config.ini");
  EXPECT_NE(config.find("out = \"run\\nnew = line #1 ; \\\"q\\\" \\\\ é\""), std::string::npos)
      << config;
  EXPECT_EQ(CheckpointReader((path(out) / "checkpoint.h5").string()).meta_int("step"), 4);
  // INI files as users write them: comments with # and ;, inline comments after a blank.
  // (Windows line ends and a byte-order mark too.)
  std::ofstream(path("a.ini"))
      << "\xEF\xBB\xBF# a VAE\r\n; of 4 dimensions\nmodel = vae  # inline\n"
         "latent = 4 ; inline\r\nhidden = 32\nthreads = 1\n";
  auto ini = run(" train --config a.ini --data mnist.h5 --max-steps 2 --out i");
  ASSERT_EQ(ini.status, 0) << ini.output;
  EXPECT_NE(read_text(path("i/config.ini")).find("\nlatent = 4\n"), std::string::npos);
}

}  // namespace
}  // namespace latent
