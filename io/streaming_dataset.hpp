#pragma once
// A training set streamed from an HDF5 file far larger than memory, sharded over ranks.
//
// Order: io/epoch_order.hpp (chunk-aligned blocks permuted by (seed, epoch), samples shuffled
// within buffer-sized windows). Sharding: io/shard_plan.hpp (rank r takes the r-th slice of
// every global batch). Both are the same on every rank and do not depend on the number of
// ranks, so N ranks x batch b see what 1 rank x batch N*b sees.
//
// A background thread prepares the next window while the current one is consumed. Blocks are
// read whole, with one chunk-aligned hyperslab each (HDF5 decompresses whole chunks anyway;
// selecting scattered rows measured 10-30x slower). Samples stay as stored (uint8 or float32,
// with their row and label) until next_batch decodes them into the batch.
//  - Read once, exchange (training under MPI, `exchange` given): the window's blocks are dealt
//    round-robin to the ranks (carried on from window to window and epoch to epoch); each rank
//    reads only its blocks, then one all-to-all per window moves every sample to the rank
//    whose share of a global batch it belongs to. Each rank reads 1/world of the file per
//    epoch (± one block) and receives exactly the samples it would have picked itself, in the
//    same order. A window's exchange travels (non-blocking, driven between block reads) while
//    the next window is read; before it the ranks agree to go on, and when a consumer stops
//    (restart, end) every producer still makes the windows some rank needs before that point,
//    so all take part in the same collectives. Every rank must call start_epoch alike.
//  - Local (one rank, or no `exchange`: inference, validation): a rank reads every block holding
//    one of its samples. With one rank that is every block once per epoch.
//  - Kept: when an epoch is a single window (the dataset fits the buffer's window), the samples
//    are read once per job and kept (exchanging ranks each read their share and gather the
//    rest once); later epochs read nothing from disk.
//
// Memory: at most two windows of samples plus one block of raw rows and the bookkeeping, all
// within `buffer_mb`; buffer_high_water_bytes() reports the most ever held. The window size is
// derived from buffer_mb and the sample size only (not from world size), so the order depends
// on (seed, epoch, buffer_mb, file chunking): keep buffer_mb equal on all ranks.
//
// Float data is checked for NaN/Inf as it is decoded: next_batch throws UserError naming the
// file row. HDF5 read errors and the like also surface from next_batch.
#include <cstdint>
#include <memory>
#include <vector>

#include "io/dataset_spec.hpp"
#include "runtime/communicator.hpp"
#include "runtime/shape.hpp"
#include "runtime/tensor.hpp"

namespace latent {

struct StreamingOptions {
  int rank = 0;
  int world = 1;
  uint32_t seed = 0;
  int64_t batch_per_rank = 64;
  double buffer_mb = 256;  // prefetch buffer per rank (--io-buffer-mb)
  bool shuffle = true;
  bool drop_last = true;  // see io/shard_plan.hpp for both behaviours
  // Read once, exchange: a communicator over the `world` ranks that the prefetch thread may use
  // while the main thread uses another (Communicator::duplicate, concurrent_threads). Every
  // rank must then call start_epoch in the same order. Null: each rank reads for itself.
  Communicator* exchange = nullptr;
};

// Image data read from the file (not labels): whole blocks, and their raw bytes.
struct ReadCounts {
  int64_t blocks = 0;
  int64_t bytes = 0;
};

class StreamingDataset {
 public:
  // Validates the file (UserError: missing, not HDF5, missing dataset, wrong rank or type,
  // empty, labels length, fewer samples than one global batch, buffer too small).
  StreamingDataset(const DatasetSpec& spec, const StreamingOptions& options);
  ~StreamingDataset();
  StreamingDataset(const StreamingDataset&) = delete;
  StreamingDataset& operator=(const StreamingDataset&) = delete;

  // One sample: (C, H, W) or (D). A batch is (rows, C, H, W) or (rows, D).
  const Shape& sample_shape() const;
  // Samples after class filtering.
  int64_t size() const;
  bool has_labels() const;
  // The classes of DatasetSpec::classes that none of the selected rows has (a typo, or a class
  // only the other part of a held-out split holds), in increasing order.
  const std::vector<int>& absent_classes() const;
  int64_t steps_per_epoch() const;
  // Positions used per epoch (the stride of global sample indices between epochs).
  int64_t samples_per_epoch() const;
  // Rows of step `step` summed over all ranks (equal to world * batch_per_rank except maybe the
  // last step with drop_last = false).
  int64_t global_batch_rows(int64_t step) const;

  // Starts (or restarts) streaming epoch `epoch` from its first step.
  void start_epoch(int64_t epoch);
  // This rank's next batch: images resized to (rows, ...sample_shape), labels (if asked and the
  // file has them) resized to rows, and the global index of its first sample,
  // epoch * samples_per_epoch() + position in the epoch order; row i has index first + i.
  // Returns false after the epoch's last step, and (drop_last = false) instead of a last step
  // that would give this rank no rows.
  bool next_batch(Tensor& images, std::vector<int>* labels, uint64_t* first_global_index);

  // Image blocks and bytes this rank has read from the file for epoch `epoch` (-1: for all).
  ReadCounts reads(int64_t epoch = -1) const;
  // Whether the decoded samples are kept across epochs (the epoch is one window).
  bool keeps_decoded_samples() const;
  // Most bytes ever held by the prefetch buffer, and the limit it stays under.
  int64_t buffer_high_water_bytes() const;
  int64_t buffer_limit_bytes() const;
  // Samples per shuffle window and rows per block (for tests and `info`).
  int64_t window_samples() const;
  int64_t block_rows() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace latent
