// Read once, exchange: under MPI each rank reads only its share of the blocks and receives, by
// one all-to-all per window, exactly the samples in exactly the order it would have picked by
// reading every block itself. Checked against that (the exchange-free reader) for gzip and
// uncompressed, uint8 and float32 files, several windows with a last partial one, drop_last on
// and off, and a class filter; and the reads of all ranks add up to one reading of the file.
#include <gtest/gtest.h>

#include <unistd.h>
#include <cmath>

#include <filesystem>
#include <string>
#include <vector>

#include "io/array_file.hpp"
#include "io/streaming_dataset.hpp"
#include "mpi_world.hpp"

namespace latent {
namespace {

using testing::mpi_world;

constexpr int64_t kRows = 997;  // prime: windows, blocks and batches never line up
constexpr int64_t kWidth = 12;

struct FileCase {
  const char* name;
  bool uint8;
  ArrayLayout layout;
};

// Value j of row i encodes i (uint8: i mod 251, with the row in the next value as well).
std::string write_file(const std::string& dir, const FileCase& f) {
  std::string path = dir + "/" + f.name + ".h5";
  std::vector<int32_t> labels(kRows);
  for (int64_t i = 0; i < kRows; ++i) labels[i] = static_cast<int32_t>(i % 7);
  if (f.uint8) {
    std::vector<uint8_t> images(kRows * kWidth);
    for (int64_t i = 0; i < kRows; ++i)
      for (int64_t j = 0; j < kWidth; ++j)
        images[i * kWidth + j] = static_cast<uint8_t>(j == 0 ? i % 251 : (i / 251) + j);
    write_array(path, "images", {kRows, kWidth}, ArrayType::kUint8, images.data(), f.layout);
  } else {
    std::vector<float> images(kRows * kWidth);
    for (int64_t i = 0; i < kRows; ++i)
      for (int64_t j = 0; j < kWidth; ++j) images[i * kWidth + j] = i + j / 1000.0f;
    write_array(path, "images", {kRows, kWidth}, ArrayType::kFloat32, images.data(), f.layout);
  }
  write_array(path, "labels", {kRows}, ArrayType::kInt32, labels.data(), f.layout);
  return path;
}

struct Step {
  std::vector<float> images;
  std::vector<int> labels;
  uint64_t first = 0;
};

std::vector<Step> epochs(StreamingDataset& ds, int count) {
  std::vector<Step> steps;
  for (int e = 0; e < count; ++e) {
    ds.start_epoch(e);
    Tensor images;
    Step s;
    while (ds.next_batch(images, &s.labels, &s.first)) {
      s.images.assign(images.data(), images.data() + images.numel());
      steps.push_back(s);
    }
  }
  return steps;
}

class StreamingExchange : public ::testing::Test {
 protected:
  void SetUp() override {
    Communicator& world = mpi_world();
    // One folder per job (rank 0's PID): ctest runs the 2-, 3- and 4-rank jobs at once.
    std::string dir = std::filesystem::temp_directory_path() /
                      ("latent-mpi-stream-" + std::to_string(::getpid()));
    world.broadcast(dir, 0);
    if (world.rank() == 0) {
      std::filesystem::remove_all(dir);
      std::filesystem::create_directories(dir);
      for (const FileCase& f : kFiles) write_file(dir, f);
    }
    world.barrier();
    dir_ = dir;
    exchange_ = world.duplicate();
  }
  void TearDown() override {
    exchange_.reset();
    mpi_world().barrier();
    if (mpi_world().rank() == 0) std::filesystem::remove_all(dir_);
  }
  static constexpr FileCase kFiles[] = {
      {"float-gzip", false, {37, 1}},
      {"float-plain", false, {53, 0}},
      {"uint8-gzip", true, {41, 4}},
      {"float-contiguous", false, {0, 0}},
  };
  std::string dir_;
  std::unique_ptr<Communicator> exchange_;
};

TEST_F(StreamingExchange, EveryRankGetsTheOrderItWouldHaveReadItself) {
  Communicator& world = mpi_world();
  for (const FileCase& f : kFiles)
    for (bool drop_last : {true, false})
      for (bool filtered : {false, true})
        for (double buffer_mb : {0.03, 4.0}) {
          DatasetSpec spec;
          spec.path = dir_ + "/" + f.name + ".h5";
          if (filtered) spec.classes = {1, 4, 6};
          StreamingOptions o;
          o.rank = world.rank();
          o.world = world.size();
          o.seed = 99;
          o.batch_per_rank = 11;
          // 0.03 MB: windows of ~140 samples, several per epoch, the last partial; 4 MB: the epoch
          // is one window, kept decoded, and the producer can run two epochs ahead.
          o.buffer_mb = buffer_mb;
          o.drop_last = drop_last;
          StreamingDataset alone(spec, o);
          o.exchange = exchange_.get();
          StreamingDataset exchanged(spec, o);
          if (buffer_mb < 1) {
            ASSERT_GT(kRows / (filtered ? 3 : 1), 2 * exchanged.window_samples());
          }
          ASSERT_EQ(exchanged.keeps_decoded_samples(), buffer_mb > 1);
          std::vector<Step> a = epochs(alone, 4), b = epochs(exchanged, 4);
          std::string what = std::string(f.name) + (drop_last ? " drop_last" : " keep_last") +
                             (filtered ? " classes 1,4,6" : "") + " buffer " +
                             std::to_string(buffer_mb);
          ASSERT_EQ(a.size(), b.size()) << what;
          EXPECT_LE(exchanged.buffer_high_water_bytes(), exchanged.buffer_limit_bytes()) << what;
          for (size_t s = 0; s < a.size(); ++s) {
            ASSERT_EQ(a[s].first, b[s].first) << what << " step " << s;
            ASSERT_EQ(a[s].labels, b[s].labels) << what << " step " << s;
            ASSERT_EQ(a[s].images, b[s].images) << what << " step " << s;
          }
        }
}

// Each block is read by exactly one rank: per epoch the ranks' reads add up to one reading of
// the file, and no rank reads more than its share plus one block; a file that fits one window
// is read once per job.
TEST_F(StreamingExchange, RanksTogetherReadTheFileOncePerEpoch) {
  Communicator& world = mpi_world();
  for (const FileCase& f : kFiles) {
    DatasetSpec spec;
    spec.path = dir_ + "/" + f.name + ".h5";
    for (double buffer_mb : {0.05, 4.0}) {
      StreamingOptions o;
      o.rank = world.rank();
      o.world = world.size();
      o.seed = 5;
      o.batch_per_rank = 8;
      o.buffer_mb = buffer_mb;
      o.drop_last = false;  // every block is needed every epoch
      o.exchange = exchange_.get();
      StreamingDataset ds(spec, o);
      const bool kept = ds.keeps_decoded_samples();
      EXPECT_EQ(kept, buffer_mb > 1) << f.name;
      const int64_t raw_row = f.uint8 ? kWidth : 4 * kWidth;
      const int64_t blocks = (kRows + ds.block_rows() - 1) / ds.block_rows();
      for (int e = 0; e < 3; ++e) {
        ds.start_epoch(e);
        Tensor images;
        while (ds.next_batch(images, nullptr, nullptr)) {
        }
        ReadCounts mine = ds.reads(e);
        double all[2] = {static_cast<double>(mine.blocks), static_cast<double>(mine.bytes)};
        world.allreduce_sum(all, 2);
        std::string what = std::string(f.name) + " buffer " + std::to_string(buffer_mb) +
                           " MB, epoch " + std::to_string(e) + ", rank " +
                           std::to_string(world.rank());
        const bool reads_now = !kept || e == 0;  // kept samples are read in the first epoch only
        EXPECT_EQ(all[0], reads_now ? blocks : 0) << what;
        EXPECT_EQ(all[1], reads_now ? kRows * raw_row : 0) << what;
        EXPECT_LE(mine.blocks, (blocks + world.size() - 1) / world.size()) << what;
        if (reads_now) {
          EXPECT_GE(mine.blocks, blocks / world.size()) << what;
        }
      }
    }
  }
}

}  // namespace
}  // namespace latent
