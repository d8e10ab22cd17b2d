// --val-fraction: a fixed held-out split of one file. Training and held-out parts are
// disjoint, cover the file, hold about the asked share, and read the same through streaming
// and read_all.
#include <set>

#include "io/read_all.hpp"
#include "io/streaming_dataset.hpp"
#include "io_test_util.hpp"

namespace latent {
namespace {

// Rows of a part, identified by value 0 of each sample (= its row in write_indexed_file).
std::set<int64_t> streamed_rows(const DatasetSpec& spec) {
  StreamingOptions o;
  o.batch_per_rank = 10;
  o.drop_last = false;
  o.buffer_mb = 1;
  StreamingDataset data(spec, o);
  data.start_epoch(0);
  std::set<int64_t> rows;
  Tensor batch;
  uint64_t first = 0;
  while (data.next_batch(batch, nullptr, &first))
    for (int64_t i = 0; i < batch.dim(0); ++i)
      rows.insert(static_cast<int64_t>(batch.data()[i * 4]));
  EXPECT_EQ(static_cast<int64_t>(rows.size()), data.size());
  return rows;
}

TEST(HoldoutSplit, PartsAreDisjointCoverTheFileAndHoldTheShare) {
  test::TempDir dir;
  const int64_t n = 2000;
  test::write_indexed_file(dir.file("d.h5"), n, 4, ArrayLayout{100, 0});
  DatasetSpec train = test::file_spec(dir.file("d.h5")), held = train;
  train.part = DatasetSpec::Part::kTrain;
  held.part = DatasetSpec::Part::kHoldout;
  for (DatasetSpec* s : {&train, &held}) s->holdout_fraction = 0.2, s->holdout_seed = 3;

  std::set<int64_t> a = streamed_rows(train), b = streamed_rows(held);
  for (int64_t r : b) EXPECT_EQ(a.count(r), 0u) << "row " << r << " in both parts";
  EXPECT_EQ(static_cast<int64_t>(a.size() + b.size()), n);
  EXPECT_NEAR(static_cast<double>(b.size()) / n, 0.2, 0.03);
  // Spread over the file, not a block at its end (MNIST json files are sorted by digit).
  EXPECT_LT(*b.begin(), n / 10);
  EXPECT_GT(*b.rbegin(), n - n / 10);

  LoadedDataset all_held = read_all(held);
  ASSERT_EQ(all_held.images.dim(0), static_cast<int64_t>(b.size()));
  int64_t k = 0;
  for (int64_t r : b) EXPECT_EQ(static_cast<int64_t>(all_held.images.data()[4 * k++]), r);

  held.holdout_seed = 4;  // another seed, another split
  EXPECT_NE(streamed_rows(held), b);
}

}  // namespace
}  // namespace latent
