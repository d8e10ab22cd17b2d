// Streaming dataset: sharding, order, epochs, filtering, bounded memory.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "io/streaming_dataset.hpp"
#include "io_test_util.hpp"

namespace latent {
namespace {

using test::TempDir;
using test::write_indexed_file;

using test::file_spec;

constexpr int64_t kWidth = 16;

// One step of one rank: the file rows it got (decoded from the values), labels and index.
struct Batch {
  std::vector<int64_t> rows;
  std::vector<int> labels;
  uint64_t first = 0;
  bool operator==(const Batch& o) const {
    return rows == o.rows && labels == o.labels && first == o.first;
  }
};

std::vector<Batch> run_epoch(StreamingDataset& ds, int64_t epoch) {
  ds.start_epoch(epoch);
  std::vector<Batch> out;
  Tensor images;
  Batch b;
  while (ds.next_batch(images, &b.labels, &b.first)) {
    b.rows.clear();
    const int64_t per = images.shape().per_sample();
    for (int64_t i = 0; i < images.dim(0); ++i) {
      float v = images.data()[i * per];
      b.rows.push_back(static_cast<int64_t>(std::lround(v)));
      // Every value of the sample belongs to the same row.
      EXPECT_FLOAT_EQ(images.data()[i * per + per - 1], v + (per - 1) / 1000.0f);
    }
    out.push_back(b);
  }
  return out;
}

// A buffer of about `samples` samples per window for kWidth-float samples.
double buffer_for_window(int64_t samples) {
  return samples * (kWidth * 4 + 36) * 8.0 / 3 / (1 << 20);
}

StreamingOptions options(int rank, int world, int64_t batch, bool drop_last) {
  StreamingOptions o;
  o.rank = rank;
  o.world = world;
  o.seed = 1234;
  o.batch_per_rank = batch;
  o.buffer_mb = buffer_for_window(150);
  o.drop_last = drop_last;
  return o;
}

class IoStreaming : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("data.h5");
    write_indexed_file(path_, kN, kWidth, ArrayLayout{37, 1});
  }
  static constexpr int64_t kN = 1000;
  TempDir dir_;
  std::string path_;
};

// One rank reads every block of the file once per epoch (what the producer reads ahead is
// counted for the next epoch); a file that fits one window is decoded once and kept, so three
// epochs read it once.
TEST_F(IoStreaming, OneRankReadsTheFileOncePerEpochAndKeepsOneThatFits) {
  const int64_t file_bytes = kN * kWidth * 4;
  for (double buffer_mb : {buffer_for_window(150), 4.0}) {
    StreamingOptions o = options(0, 1, 10, /*drop_last=*/false);
    o.buffer_mb = buffer_mb;
    StreamingDataset ds(file_spec(path_), o);
    const bool kept = buffer_mb > 1;
    EXPECT_EQ(ds.keeps_decoded_samples(), kept);
    const int64_t blocks = (kN + ds.block_rows() - 1) / ds.block_rows();
    for (int e = 0; e < 3; ++e) {
      auto batches = run_epoch(ds, e);
      EXPECT_EQ(static_cast<int64_t>(batches.size()), kN / 10);
      const bool reads_now = !kept || e == 0;
      EXPECT_EQ(ds.reads(e).blocks, reads_now ? blocks : 0) << "epoch " << e;
      EXPECT_EQ(ds.reads(e).bytes, reads_now ? file_bytes : 0) << "epoch " << e;
    }
    EXPECT_LE(ds.buffer_high_water_bytes(), ds.buffer_limit_bytes());
  }
}

TEST_F(IoStreaming, KeepLastSeesEverySampleOncePerEpochForWorldSizes1To4) {
  for (int world = 1; world <= 4; ++world) {
    const int64_t batch = 7;  // 1000 is not a multiple of 7, 14, 21 or 28
    std::map<int64_t, int> seen;
    int64_t steps = -1;
    for (int rank = 0; rank < world; ++rank) {
      StreamingDataset ds(file_spec(path_), options(rank, world, batch, /*drop_last=*/false));
      EXPECT_EQ(ds.size(), kN);
      EXPECT_EQ(ds.samples_per_epoch(), kN);
      auto batches = run_epoch(ds, 3);
      if (steps < 0) steps = static_cast<int64_t>(batches.size());
      EXPECT_EQ(static_cast<int64_t>(batches.size()), steps) << "world " << world;
      EXPECT_EQ(steps, ds.steps_per_epoch());
      for (const Batch& b : batches) {
        for (size_t i = 0; i < b.rows.size(); ++i) {
          ++seen[b.rows[i]];
          EXPECT_EQ(b.labels[i], b.rows[i] % 10);
        }
      }
    }
    EXPECT_EQ(static_cast<int64_t>(seen.size()), kN) << "world " << world;
    for (auto [row, count] : seen) ASSERT_EQ(count, 1) << "row " << row << " world " << world;
  }
}

TEST_F(IoStreaming, DropLastUsesFullGlobalBatchesOnly) {
  for (int world = 1; world <= 4; ++world) {
    const int64_t batch = 9;
    const int64_t global = batch * world;
    std::set<int64_t> seen;
    for (int rank = 0; rank < world; ++rank) {
      StreamingDataset ds(file_spec(path_), options(rank, world, batch, /*drop_last=*/true));
      EXPECT_EQ(ds.steps_per_epoch(), kN / global);
      EXPECT_EQ(ds.samples_per_epoch(), kN / global * global);
      for (const Batch& b : run_epoch(ds, 0)) {
        ASSERT_EQ(static_cast<int64_t>(b.rows.size()), batch);
        for (int64_t r : b.rows) EXPECT_TRUE(seen.insert(r).second) << "row " << r << " twice";
      }
    }
    EXPECT_EQ(static_cast<int64_t>(seen.size()), kN / global * global) << "world " << world;
  }
}

TEST_F(IoStreaming, RanksTogetherSeeWhatOneRankWithTheGlobalBatchSees) {
  for (bool drop_last : {true, false}) {
    for (int world = 2; world <= 4; ++world) {
      const int64_t batch = 6;
      StreamingDataset single(file_spec(path_), options(0, 1, batch * world, drop_last));
      auto expected = run_epoch(single, 5);
      std::vector<std::vector<Batch>> ranks;
      for (int rank = 0; rank < world; ++rank) {
        StreamingDataset ds(file_spec(path_), options(rank, world, batch, drop_last));
        ranks.push_back(run_epoch(ds, 5));
      }
      for (size_t step = 0; step < expected.size(); ++step) {
        std::vector<int64_t> joined;
        uint64_t next_index = expected[step].first;
        for (int rank = 0; rank < world; ++rank) {
          const Batch& b = ranks[rank].at(step);
          if (!b.rows.empty()) {
            EXPECT_EQ(b.first, next_index) << "step " << step;
          }
          next_index += b.rows.size();
          joined.insert(joined.end(), b.rows.begin(), b.rows.end());
        }
        ASSERT_EQ(joined, expected[step].rows) << "world " << world << " step " << step;
      }
      for (int rank = 0; rank < world; ++rank) EXPECT_EQ(ranks[rank].size(), expected.size());
    }
  }
}

// 1000 samples, 3 ranks x 333: the last step holds one sample, so two ranks have no rows
// there and their epochs end a step early; still every sample is seen exactly once.
TEST_F(IoStreaming, RanksWithoutLeftoverRowsEndTheirEpochEarly) {
  const int world = 3;
  std::set<int64_t> seen;
  int ranks_with_the_leftover = 0;
  for (int rank = 0; rank < world; ++rank) {
    StreamingDataset ds(file_spec(path_), options(rank, world, 333, /*drop_last=*/false));
    auto batches = run_epoch(ds, 0);
    ASSERT_GE(batches.size(), 1u);
    ASSERT_LE(batches.size(), 2u);
    ranks_with_the_leftover += batches.size() == 2;
    for (const Batch& b : batches) {
      EXPECT_FALSE(b.rows.empty()) << "rank " << rank;
      for (int64_t r : b.rows) EXPECT_TRUE(seen.insert(r).second) << "row " << r << " twice";
    }
  }
  EXPECT_EQ(ranks_with_the_leftover, 1);
  EXPECT_EQ(static_cast<int64_t>(seen.size()), kN);
}

// A training stream reads ahead into the next epoch; what it hands out must be exactly what a
// fresh start of each epoch gives, also after an epoch left unfinished or a jump back.
TEST_F(IoStreaming, ReadingAheadIntoTheNextEpochChangesNothing) {
  for (int world : {1, 3}) {
    for (int rank = 0; rank < world; ++rank) {
      StreamingDataset running(file_spec(path_), options(rank, world, 16, true));
      auto fresh = [&](int64_t epoch) {
        StreamingDataset ds(file_spec(path_), options(rank, world, 16, true));
        return run_epoch(ds, epoch);
      };
      for (int64_t epoch : {0, 1, 2}) EXPECT_EQ(run_epoch(running, epoch), fresh(epoch));
      // Stop epoch 3 early, then go on: epoch 4 restarts cleanly.
      running.start_epoch(3);
      Tensor images;
      uint64_t first = 0;
      ASSERT_TRUE(running.next_batch(images, nullptr, &first));
      EXPECT_EQ(run_epoch(running, 4), fresh(4));
      EXPECT_EQ(run_epoch(running, 1), fresh(1));  // back to an earlier epoch
      EXPECT_LE(running.buffer_high_water_bytes(), running.buffer_limit_bytes());
    }
  }
}

TEST_F(IoStreaming, OrderDependsOnSeedAndEpochOnly) {
  StreamingDataset a(file_spec(path_), options(0, 1, 10, true));
  StreamingDataset b(file_spec(path_), options(0, 1, 10, true));
  auto a1 = run_epoch(a, 1), b1 = run_epoch(b, 1), a2 = run_epoch(a, 2), a1again = run_epoch(a, 1);
  auto rows = [](const std::vector<Batch>& e) {
    std::vector<int64_t> r;
    for (const Batch& b : e) r.insert(r.end(), b.rows.begin(), b.rows.end());
    return r;
  };
  EXPECT_EQ(rows(a1), rows(b1));
  EXPECT_EQ(rows(a1), rows(a1again));
  EXPECT_NE(rows(a1), rows(a2));
  StreamingOptions other = options(0, 1, 10, true);
  other.seed = 99;
  StreamingDataset c(file_spec(path_), other);
  EXPECT_NE(rows(a1), rows(run_epoch(c, 1)));
  // Shuffled: not file order, and samples move across chunk boundaries.
  std::vector<int64_t> sorted = rows(a1);
  std::sort(sorted.begin(), sorted.end());
  EXPECT_NE(rows(a1), sorted);
  // Global indices: epoch * samples_per_epoch + position.
  EXPECT_EQ(a2.front().first, static_cast<uint64_t>(2 * a.samples_per_epoch()));
  EXPECT_EQ(a2[3].first, static_cast<uint64_t>(2 * a.samples_per_epoch() + 30));
}

TEST_F(IoStreaming, WithoutShuffleReadsInFileOrder) {
  StreamingOptions o = options(1, 2, 5, true);
  o.shuffle = false;
  StreamingDataset ds(file_spec(path_), o);
  auto e = run_epoch(ds, 4);
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e[0].rows, (std::vector<int64_t>{5, 6, 7, 8, 9}));
  EXPECT_EQ(e[1].rows, (std::vector<int64_t>{15, 16, 17, 18, 19}));
}

TEST_F(IoStreaming, ClassFilterKeepsOnlyThoseLabelsEachOnce) {
  std::set<int64_t> seen;
  for (int rank = 0; rank < 3; ++rank) {
    DatasetSpec spec = file_spec(path_);
    spec.classes = {4, 0};
    StreamingDataset ds(spec, options(rank, 3, 5, false));
    EXPECT_EQ(ds.size(), 200);
    for (const Batch& b : run_epoch(ds, 0)) {
      for (size_t i = 0; i < b.rows.size(); ++i) {
        EXPECT_TRUE(b.labels[i] == 0 || b.labels[i] == 4);
        EXPECT_TRUE(seen.insert(b.rows[i]).second);
      }
    }
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST_F(IoStreaming, RestartingAnEpochMidwayStartsOver) {
  StreamingDataset ds(file_spec(path_), options(0, 1, 10, true));
  auto full = run_epoch(ds, 7);
  ds.start_epoch(7);
  Tensor images;
  ASSERT_TRUE(ds.next_batch(images, nullptr, nullptr));
  auto again = run_epoch(ds, 7);
  ASSERT_EQ(full.size(), again.size());
  for (size_t i = 0; i < full.size(); ++i) EXPECT_EQ(full[i].rows, again[i].rows);
}

TEST(IoStreamingLayouts, ContiguousChunkedAndGzipUint8FilesStreamEverySampleOnce) {
  TempDir dir;
  const int64_t n = 500, d = 30;
  // Sample r holds r / 256 and r % 256 in its first two bytes, then (r + j) % 256.
  std::vector<uint8_t> images(n * d);
  for (int64_t r = 0; r < n; ++r) {
    images[r * d] = static_cast<uint8_t>(r / 256);
    images[r * d + 1] = static_cast<uint8_t>(r % 256);
    for (int64_t j = 2; j < d; ++j) images[r * d + j] = static_cast<uint8_t>((r + j) % 256);
  }
  for (ArrayLayout layout : {ArrayLayout{0, 0}, ArrayLayout{64, 0}, ArrayLayout{50, 6}}) {
    const std::string path = dir.file("u8_" + std::to_string(layout.chunk_rows) + ".h5");
    write_array(path, "pixels", {n, 1, 5, 6}, ArrayType::kUint8, images.data(), layout);
    std::vector<int> count(n, 0);
    for (int rank = 0; rank < 3; ++rank) {
      StreamingOptions o;
      o.rank = rank;
      o.world = 3;
      o.batch_per_rank = 8;
      o.buffer_mb = 0.05;
      o.drop_last = false;
      DatasetSpec spec = file_spec(path);
      spec.images_name = "pixels";
      StreamingDataset ds(spec, o);
      EXPECT_EQ(ds.sample_shape(), (Shape{1, 5, 6}));
      EXPECT_FALSE(ds.has_labels());
      ds.start_epoch(0);
      Tensor t;
      std::vector<int> labels;
      while (ds.next_batch(t, &labels, nullptr)) {
        EXPECT_TRUE(labels.empty());
        for (int64_t i = 0; i < t.dim(0); ++i) {
          const float* s = t.data() + i * d;
          const int64_t r = std::lround(s[0] * 255) * 256 + std::lround(s[1] * 255);
          ASSERT_LT(r, n);
          for (int64_t j = 2; j < d; ++j) ASSERT_FLOAT_EQ(s[j], ((r + j) % 256) / 255.0f);
          ++count[r];
        }
      }
    }
    for (int64_t r = 0; r < n; ++r) ASSERT_EQ(count[r], 1) << "row " << r;
  }
}

TEST(IoStreamingMemory, AFileManyTimesTheBufferNeverHoldsMoreThanTheBuffer) {
  TempDir dir;
  const std::string path = dir.file("big.h5");
  const int64_t n = 6000, d = 256;  // 6 MB of float32 against a 1 MB buffer
  write_indexed_file(path, n, d, ArrayLayout{100, 0});
  for (int world : {1, 2}) {
    StreamingOptions o;
    o.world = world;
    o.batch_per_rank = 32;
    o.buffer_mb = 1;
    StreamingDataset ds(file_spec(path), o);
    ASSERT_GT(n * d * 4, 4 * ds.buffer_limit_bytes());
    for (int epoch = 0; epoch < 2; ++epoch) {
      ds.start_epoch(epoch);
      Tensor t;
      int64_t rows = 0;
      while (ds.next_batch(t, nullptr, nullptr)) rows += t.dim(0);
      EXPECT_EQ(rows, ds.samples_per_epoch() / world);
    }
    EXPECT_GT(ds.buffer_high_water_bytes(), ds.buffer_limit_bytes() / 8);
    EXPECT_LE(ds.buffer_high_water_bytes(), ds.buffer_limit_bytes());
  }
}

}  // namespace
}  // namespace latent
