#include "io/streaming_dataset.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "io/dataset_file.hpp"
#include "io/epoch_order.hpp"
#include "io/memory_meter.hpp"
#include "io/shard_plan.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

// Contiguous files are cut into blocks of about this many raw bytes.
constexpr int64_t kContiguousBlockBytes = 256 << 10;

// A sample of a window before sharding: its file row and label.
struct WindowSample {
  int64_t row;
  int32_t label;
};

// A sample this rank keeps: its file row and its slot in the rank's window buffer.
struct Wanted {
  int64_t row;
  int64_t slot;
};

// Bytes per window sample, charged to each of the two windows that may be live: the decoded
// floats and label (this rank's share, at most the whole window), and the producer's sample
// list and wanted list (one of each, so charging them twice is conservative).
int64_t window_bytes_per_sample(int64_t floats) {
  return floats * 4 + 4 + static_cast<int64_t>(sizeof(WindowSample) + sizeof(Wanted));
}

std::string classes_str(const std::vector<int>& classes) {
  std::string s;
  for (size_t i = 0; i < classes.size(); ++i) s += (i ? "," : "") + std::to_string(classes[i]);
  return s;
}

// This rank's decoded samples of one window, in the order it consumes them. Its buffers come
// from a pool and go back to it, so steady state allocates nothing.
struct Window {
  explicit Window(MemoryMeter& meter) : images(meter), labels(meter) {}
  MeteredBuffer<float> images;
  MeteredBuffer<int> labels;
  int64_t size = 0;
  int64_t consumed = 0;
  int64_t epoch = 0;  // the epoch whose samples it holds
};

}  // namespace

struct StreamingDataset::Impl {
  Impl(const DatasetSpec& spec, const StreamingOptions& options);
  ~Impl() { stop(); }

  void start(int64_t epoch);
  // True when the producer is already streaming epoch e (the one after a finished epoch).
  bool streaming_ahead_into(int64_t e);
  void stop();
  void produce(int64_t first_epoch);
  void produce_window(int64_t w, int64_t e);
  std::unique_ptr<Window> take_window();
  bool included(int label) const {
    return std::binary_search(classes.begin(), classes.end(), label);
  }
  // Class filter and held-out split together.
  bool keeps(int64_t row, int label) const {
    return (classes.empty() || included(label)) && spec.keeps_row(row);
  }
  std::pair<int64_t, int64_t> block_range(int64_t b) const {
    return {b * block_rows, std::min(file.rows(), (b + 1) * block_rows)};
  }

  DatasetFile file;
  DatasetSpec spec;
  StreamingOptions opt;
  std::vector<int> classes;  // sorted; empty: keep all
  int64_t floats = 0;
  int64_t limit_bytes = 0;
  int64_t block_rows = 0;
  int64_t window_samples = 0;
  std::vector<int64_t> block_counts;
  int64_t samples = 0;
  ShardPlan plan;
  MemoryMeter meter;
  // The producer's scratch, reused window after window: one block of raw rows and its labels,
  // the window's sample list, this rank's wanted rows.
  MeteredBuffer<uint8_t> raw{meter};
  MeteredBuffer<int> block_labels{meter};
  MeteredBuffer<WindowSample> list{meter};
  MeteredBuffer<Wanted> wanted{meter};

  // The epoch the consumer is in, and its next step.
  int64_t epoch = -1;
  int64_t step = 0;
  // The order of the epoch the producer is on (the consumer's, or the next one's).
  std::unique_ptr<EpochOrder> order;
  std::thread producer;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::unique_ptr<Window>> queue;
  std::vector<std::unique_ptr<Window>> pool;  // consumed windows, buffers kept for reuse
  bool done = false;
  bool cancel = false;
  std::exception_ptr error;
};

StreamingDataset::Impl::Impl(const DatasetSpec& spec, const StreamingOptions& options)
    : file(spec), spec(spec), opt(options), classes(spec.classes) {
  const std::string& path = spec.path;
  if (opt.world < 1 || opt.rank < 0 || opt.rank >= opt.world)
    throw UserError("rank " + std::to_string(opt.rank) + " of world size " +
                    std::to_string(opt.world) + ": expected 0 <= rank < world");
  if (opt.batch_per_rank < 1)
    throw UserError("batch size " + std::to_string(opt.batch_per_rank) + ": expected >= 1");
  if (!(opt.buffer_mb > 0))
    throw UserError("io buffer " + std::to_string(opt.buffer_mb) + " MB: expected > 0");
  std::sort(classes.begin(), classes.end());

  floats = file.sample_floats();
  limit_bytes = static_cast<int64_t>(opt.buffer_mb * (1 << 20));
  const int64_t raw = file.raw_sample_bytes();
  // Budget: two windows of at most 3/8 of the buffer each; one block of raw rows and their
  // labels in at most 1/8.
  window_samples = limit_bytes * 3 / 8 / window_bytes_per_sample(floats);
  if (window_samples < 1)
    throw UserError(path + ": io buffer of " + std::to_string(opt.buffer_mb) +
                    " MB cannot hold samples of " + std::to_string(floats * 4) +
                    " bytes; expected at least " +
                    std::to_string((window_bytes_per_sample(floats) * 8 / 3 >> 20) + 1) + " MB");
  block_rows =
      file.chunk_rows() > 0 ? file.chunk_rows() : std::max<int64_t>(1, kContiguousBlockBytes / raw);
  block_rows =
      std::min({block_rows, std::max<int64_t>(1, limit_bytes / 8 / (raw + 4)), window_samples});

  const int64_t blocks = (file.rows() + block_rows - 1) / block_rows;
  block_counts.assign(blocks, 0);
  if (classes.empty() && spec.part == DatasetSpec::Part::kAll) {
    for (int64_t b = 0; b < blocks; ++b) {
      auto [begin, end] = block_range(b);
      block_counts[b] = end - begin;
    }
  } else {
    // Scan the labels block by block, within the buffer's share for raw rows.
    std::vector<int> labels(block_rows, -1);
    for (int64_t b = 0; b < blocks; ++b) {
      auto [begin, end] = block_range(b);
      if (!classes.empty()) file.read_labels(begin, end, labels.data());
      for (int64_t i = 0; i < end - begin; ++i) block_counts[b] += keeps(begin + i, labels[i]);
    }
  }
  for (int64_t c : block_counts) samples += c;

  const int64_t global = opt.batch_per_rank * opt.world;
  if (samples < global) {
    std::string what = std::to_string(samples) + " samples";
    if (!classes.empty()) what += " with labels in {" + classes_str(classes) + "}";
    throw UserError(path + ": " + what + " but one global batch needs " + std::to_string(global) +
                    " (" + std::to_string(opt.world) + " ranks x " +
                    std::to_string(opt.batch_per_rank) + "); expected at least that many");
  }
  plan = ShardPlan(samples, opt.batch_per_rank, opt.world, opt.drop_last);
}

void StreamingDataset::Impl::stop() {
  {
    std::lock_guard<std::mutex> lock(mu);
    cancel = true;
  }
  cv.notify_all();
  if (producer.joinable()) producer.join();
  for (auto& w : queue) pool.push_back(std::move(w));
  queue.clear();
  cancel = false;
  done = false;
  error = nullptr;
}

void StreamingDataset::Impl::start(int64_t e) {
  if (streaming_ahead_into(e)) {
    epoch = e;
    step = 0;
    return;
  }
  stop();
  epoch = e;
  step = 0;
  producer = std::thread([this, e] { produce(e); });
}

// A shuffled (training) stream goes on into the next epoch once it has produced the current
// one, so the next epoch's first window is ready when the trainer asks for it instead of
// stalling every epoch start. Its windows queue behind the current epoch's, within the same
// two-window budget; if the caller asks for any other epoch, the producer restarts.
bool StreamingDataset::Impl::streaming_ahead_into(int64_t e) {
  if (!opt.shuffle || !producer.joinable() || epoch < 0 || e != epoch + 1 || step < plan.steps())
    return false;
  std::lock_guard<std::mutex> lock(mu);
  if (error || done) return false;
  for (const auto& w : queue)
    if (w->epoch != e) return false;
  return true;
}

void StreamingDataset::Impl::produce(int64_t first_epoch) {
  try {
    raw.ensure(block_rows * file.raw_sample_bytes());
    block_labels.ensure(block_rows);
    bool cancelled = false;
    for (int64_t e = first_epoch; !cancelled; ++e) {
      order = std::make_unique<EpochOrder>(block_counts, window_samples, opt.seed,
                                           static_cast<uint64_t>(e), opt.shuffle);
      for (int64_t w = 0; w < order->num_windows() && !cancelled; ++w) {
        if (order->window_begin(w) >= plan.epoch_samples()) break;
        produce_window(w, e);
        std::lock_guard<std::mutex> lock(mu);
        cancelled = cancel;
      }
      if (!opt.shuffle) break;  // inference passes read one epoch
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mu);
    error = std::current_exception();
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    done = true;
  }
  cv.notify_all();
}

std::unique_ptr<Window> StreamingDataset::Impl::take_window() {
  std::lock_guard<std::mutex> lock(mu);
  if (pool.empty()) return std::make_unique<Window>(meter);
  std::unique_ptr<Window> w = std::move(pool.back());
  pool.pop_back();
  return w;
}

void StreamingDataset::Impl::produce_window(int64_t w, int64_t e) {
  // This rank's positions in the window: its slice of each global batch overlapping it.
  const int64_t begin = order->window_begin(w);
  const int64_t end = std::min(begin + order->window_size(w), plan.epoch_samples());
  const int64_t g = plan.global_batch();
  std::vector<std::pair<int64_t, int64_t>> spans;
  int64_t mine = 0;
  for (int64_t k = begin / g; k * g < end; ++k) {
    auto [a, b] = plan.rank_range(k, opt.rank);
    a = std::max(a, begin);
    b = std::min(b, end);
    if (a < b) spans.emplace_back(a, b), mine += b - a;
  }
  if (mine == 0) return;

  // Wait until at most one window is queued, so two live windows stay within budget.
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return cancel || queue.size() <= 1; });
    if (cancel) return;
  }
  std::unique_ptr<Window> window = take_window();
  window->images.ensure(mine * floats);
  window->labels.ensure(mine);
  window->size = mine;
  window->consumed = 0;
  window->epoch = e;

  // The window's samples in block order, then shuffled: the same list on every rank.
  list.ensure(order->window_size(w));
  int64_t n = 0;
  for (int64_t blk : order->window_blocks(w)) {
    if (block_counts[blk] == 0) continue;
    auto [first, last] = block_range(blk);
    if (file.has_labels()) file.read_labels(first, last, block_labels.data());
    for (int64_t row = first; row < last; ++row) {
      int label = file.has_labels() ? block_labels[row - first] : -1;
      if (keeps(row, label)) list[n++] = WindowSample{row, label};
    }
  }
  order->shuffle_window(w, list.data(), n);

  wanted.ensure(mine);
  int64_t slot = 0;
  for (auto [a, b] : spans) {
    for (int64_t p = a; p < b; ++p, ++slot) {
      const WindowSample& s = list[p - begin];
      wanted[slot] = Wanted{s.row, slot};
      window->labels[slot] = s.label;
    }
  }

  // Read block by block in file order.
  Wanted* want = wanted.data();
  std::sort(want, want + mine, [](const Wanted& x, const Wanted& y) { return x.row < y.row; });
  const int64_t raw_bytes = file.raw_sample_bytes();
  for (int64_t i = 0; i < mine;) {
    const int64_t blk = want[i].row / block_rows;
    int64_t j = i;
    while (j < mine && want[j].row / block_rows == blk) ++j;
    auto [first, last] = block_range(blk);
    // The whole block in one chunk-aligned hyperslab, keeping this rank's rows. HDF5 decodes a
    // compressed chunk whole even for one row, and selecting single scattered rows measured
    // 10-30x slower than reading whole blocks (bench/RESULTS.md), so a rank reads every block
    // holding one of its samples: with a shuffled window that is every block of the window.
    file.read_raw_range(first, last, raw.data());
    for (int64_t k = i; k < j; ++k)
      file.to_float(raw.data() + (want[k].row - first) * raw_bytes, want[k].row,
                    window->images.data() + want[k].slot * floats);
    i = j;
    std::lock_guard<std::mutex> lock(mu);
    if (cancel) {
      pool.push_back(std::move(window));
      return;
    }
  }

  {
    std::lock_guard<std::mutex> lock(mu);
    queue.push_back(std::move(window));
  }
  cv.notify_all();
}

StreamingDataset::StreamingDataset(const DatasetSpec& spec, const StreamingOptions& options)
    : impl_(std::make_unique<Impl>(spec, options)) {}

StreamingDataset::~StreamingDataset() = default;

const Shape& StreamingDataset::sample_shape() const {
  return impl_->file.sample_shape();
}
int64_t StreamingDataset::size() const {
  return impl_->samples;
}
bool StreamingDataset::has_labels() const {
  return impl_->file.has_labels();
}
int64_t StreamingDataset::steps_per_epoch() const {
  return impl_->plan.steps();
}
int64_t StreamingDataset::samples_per_epoch() const {
  return impl_->plan.epoch_samples();
}
int64_t StreamingDataset::global_batch_rows(int64_t step) const {
  return impl_->plan.global_batch_rows(step);
}
int64_t StreamingDataset::buffer_high_water_bytes() const {
  return impl_->meter.high_water();
}
int64_t StreamingDataset::buffer_limit_bytes() const {
  return impl_->limit_bytes;
}
int64_t StreamingDataset::window_samples() const {
  return impl_->window_samples;
}
int64_t StreamingDataset::block_rows() const {
  return impl_->block_rows;
}

void StreamingDataset::start_epoch(int64_t epoch) {
  if (epoch < 0) throw UserError("epoch " + std::to_string(epoch) + ": expected >= 0");
  impl_->start(epoch);
}

bool StreamingDataset::next_batch(Tensor& images, std::vector<int>* labels,
                                  uint64_t* first_global_index) {
  Impl& m = *impl_;
  if (m.epoch < 0) throw std::logic_error("StreamingDataset::next_batch before start_epoch");
  if (m.step >= m.plan.steps()) return false;
  auto [a, b] = m.plan.rank_range(m.step, m.opt.rank);
  const int64_t rows = b - a;
  // Only the last, partial step of a drop_last = false epoch can leave a rank without rows
  // (fewer leftover samples than ranks): that rank's epoch ends a step early rather than
  // handing out an empty batch no model can run.
  if (rows == 0) {
    m.step = m.plan.steps();
    return false;
  }
  images.resize(m.file.sample_shape().batch_of(rows));
  if (labels) labels->resize(m.file.has_labels() ? rows : 0);
  if (first_global_index)
    *first_global_index = static_cast<uint64_t>(m.epoch * m.plan.epoch_samples() + a);

  int64_t copied = 0;
  while (copied < rows) {
    Window* w = nullptr;
    {
      std::unique_lock<std::mutex> lock(m.mu);
      m.cv.wait(lock, [&] { return !m.queue.empty() || m.done; });
      if (m.queue.empty()) {
        if (m.error) std::rethrow_exception(m.error);
        throw std::logic_error("StreamingDataset: prefetch ended before the epoch did");
      }
      w = m.queue.front().get();
    }
    const int64_t n = std::min(rows - copied, w->size - w->consumed);
    std::memcpy(images.data() + copied * m.floats, w->images.data() + w->consumed * m.floats,
                n * m.floats * sizeof(float));
    if (labels && m.file.has_labels())
      std::copy_n(w->labels.data() + w->consumed, n, labels->data() + copied);
    w->consumed += n;
    copied += n;
    if (w->consumed == w->size) {
      {
        std::lock_guard<std::mutex> lock(m.mu);
        m.pool.push_back(std::move(m.queue.front()));
        m.queue.pop_front();
      }
      m.cv.notify_all();
    }
  }
  ++m.step;
  return true;
}

}  // namespace latent
