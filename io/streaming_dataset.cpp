#include "io/streaming_dataset.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <map>
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

// Bytes per window sample, charged to each of the two windows that may be live: the decoded
// floats and label (a rank's share, at most the whole window), and the window's bookkeeping
// (order, routes). The window size follows from it and the buffer alone, never from the
// number of ranks, so the order does not depend on it.
int64_t window_bytes_per_sample(int64_t floats) {
  return floats * 4 + 4 + 32;
}

std::string classes_str(const std::vector<int>& classes) {
  std::string s;
  for (size_t i = 0; i < classes.size(); ++i) s += (i ? "," : "") + std::to_string(classes[i]);
  return s;
}

// A sample as the prefetcher keeps and sends it, still as stored in the file (uint8 pixels are
// a quarter of their floats): its file row (for errors), label, then the raw bytes; records
// are 8-byte aligned. next_batch decodes it straight into the batch, so the floats are written
// once, where the model reads them (for uint8, a quarter of the memory traffic of copying
// decoded floats out of a window).
struct RecordLayout {
  int64_t raw = 0;
  int64_t bytes() const { return (16 + raw + 7) / 8 * 8; }
};

// This rank's samples of one window, in the order it consumes them: slot s points at its
// record, in `records` or in the kept samples. Buffers come from a pool and go back to it.
struct Window {
  explicit Window(MemoryMeter& meter) : records(meter), slots(meter) {}
  MeteredBuffer<uint8_t> records;
  MeteredBuffer<const uint8_t*> slots;
  int64_t size = 0;
  int64_t consumed = 0;
  int64_t epoch = 0;  // the epoch whose samples it holds
};

// A sample the prefetcher must produce: the k-th kept row of the window's i-th block, for
// (exchange) rank `dest` as its `index`-th record from this rank, or (local) for slot `index`.
struct Route {
  int32_t block;  // index into the window's blocks
  int32_t dest;
  int32_t k;
  int32_t index;
  int32_t slot;  // (exchange, dest this rank) the slot of a sample this rank reads for itself
};

// One window's exchange between the ranks, pipelined: while it is in flight the producer reads
// the next window. Stages: the ranks agree to go on (a tiny allreduce), then the all-to-all.
struct Exchange {
  enum class Stage { kIdle, kAgreeing, kSending };
  explicit Exchange(MemoryMeter& meter) : outgoing(meter), slot_source(meter) {}
  Stage stage = Stage::kIdle;
  std::unique_ptr<Window> window;
  MeteredBuffer<uint8_t> outgoing;
  MeteredBuffer<int32_t> slot_source;  // the rank each of this rank's slots comes from
  std::vector<int64_t> send_bytes, recv_bytes, recv_offset;
  int stop_flag = 0;
  std::unique_ptr<Communicator::Request> request;
};

// Decodes n records into consecutive samples (and labels). A pass over the whole batch's
// memory: the compute threads share it, as they share the step it would otherwise delay. A bad
// value is reported for the first record holding one, decoded again on this thread to throw.
void decode_records(const DatasetFile& file, const uint8_t* const* records, int64_t n,
                    float* images, int* labels) {
  const int64_t floats = file.sample_floats();
  auto decode = [&](int64_t i) {
    int64_t row = 0;
    std::memcpy(&row, records[i], 8);
    file.to_float(records[i] + 16, row, images + i * floats);
  };
  int64_t first_bad = n;
#pragma omp parallel for schedule(static) reduction(min : first_bad) if (n * floats >= (1 << 16))
  for (int64_t i = 0; i < n; ++i) {
    try {
      decode(i);
    } catch (...) {
      first_bad = std::min(first_bad, i);
    }
    if (labels) std::memcpy(labels + i, records[i] + 8, 4);
  }
  if (first_bad < n) decode(first_bad);
}

}  // namespace

struct StreamingDataset::Impl {
  Impl(const DatasetSpec& spec, const StreamingOptions& options);
  ~Impl() { stop(std::uncaught_exceptions() > 0); }

  void start(int64_t epoch);
  // True when the producer is already streaming epoch e (the one after a finished epoch).
  bool streaming_ahead_into(int64_t e);
  // Ends the producer. Exchanging producers go on until they have made every window that some
  // rank still needs before this point of the consumer's (the same point on every rank), then
  // agree to stop, so all take part in the same exchanges. `abandon` (unwinding an error, the
  // job is about to abort) leaves at once instead.
  void stop(bool abandon = false);
  void produce(int64_t first_epoch);
  // Prepares window w of epoch e; false when the ranks agreed to stop.
  bool produce_window(int64_t w, int64_t e);
  void fill_local(Window& window, int64_t w, int64_t begin, int64_t end);
  // Routes window w among the ranks and reads this rank's blocks into x (its own samples
  // straight into their slots), driving the exchange in flight between blocks.
  void prepare_exchange(Exchange& x, int64_t e, int64_t w, int64_t begin, int64_t end);
  // Moves x on: agreement done → all-to-all started; all-to-all done → window decoded and
  // queued. `wait`: until x is idle. False when the ranks agreed to stop (x then idle).
  bool advance(Exchange& x, bool wait);
  Exchange& in_flight() { return exchanges[(exchanges_started + 1) % 2]; }
  // Drives the exchange in flight without waiting; remembers an agreement to stop.
  void poke_in_flight() {
    if (!advance(in_flight(), false)) stop_agreed = true;
  }
  // A block's kept rows as records: made once into the kept samples (returned), or loaded into
  // the scratch block (null: pack_kept then makes its rows' records).
  const uint8_t* block_records(int64_t block);
  // Kept samples under exchange: each rank decodes its blocks, then all gather all of them.
  void gather_kept(int64_t epoch);
  void load_block(int64_t block);

  void pack_kept(int64_t k, uint8_t* wire_record);

  int owner(int64_t e, int64_t w, int64_t i, int64_t block) const;
  // Waits for a collective of the exchange, polling (a blocking MPI call would spin on the core
  // the compute thread needs); false when abandoned.
  bool wait_for(Communicator::Request& request);
  // Queues a finished window (or returns it to the pool when it holds nothing for this rank's
  // consumer, or the consumer has gone).
  void deliver(std::unique_ptr<Window> window);
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
  void count_kept_samples(int64_t blocks);

  DatasetFile file;
  DatasetSpec spec;
  StreamingOptions opt;
  Communicator* exchange = nullptr;  // set when ranks read once and exchange
  std::vector<int> classes;          // sorted; empty: keep all
  RecordLayout record;
  int64_t floats = 0;
  int64_t limit_bytes = 0;
  int64_t block_rows = 0;
  int64_t window_samples = 0;
  std::vector<int64_t> block_counts;
  std::vector<int> absent_classes;  // requested classes that no kept sample has
  int64_t samples = 0;
  ShardPlan plan;
  MemoryMeter meter;
  // Image reads, by the epoch they were read for (the producer reads ahead into the next).
  mutable std::mutex reads_mu;
  std::map<int64_t, ReadCounts> reads;
  int64_t reading_epoch = 0;

  // Kept samples (the epoch is one window): this rank's blocks decoded once.
  bool keep = false;
  MeteredBuffer<uint8_t> kept{meter};
  std::vector<int64_t> kept_offset;  // per block: its records in `kept`
  std::vector<bool> kept_ready;
  std::vector<int64_t> kept_share;  // bytes of `kept` each rank decodes (rank order)
  bool kept_gathered = false;

  // The producer's scratch, reused window after window: one block of raw rows, its labels and
  // which of its rows are kept; the window's shuffle, routes and outgoing records.
  MeteredBuffer<uint8_t> raw{meter};
  MeteredBuffer<int> block_labels{meter};
  MeteredBuffer<int32_t> block_kept{meter};  // rows (within the loaded block) that are kept
  int64_t loaded_block = -1;
  MeteredBuffer<int64_t> perm{meter};
  MeteredBuffer<Route> routes{meter};
  MeteredBuffer<Route> sorted_routes{meter};
  Exchange exchanges[2] = {Exchange(meter), Exchange(meter)};
  int64_t exchanges_started = 0;  // exchanges[exchanges_started % 2] is the next one
  bool stop_agreed = false;       // the ranks agreed to stop (this producer run ends)

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
  // Where the consumer stopped: windows holding earlier positions are still made (exchange).
  int64_t stop_epoch = 0, stop_position = 0;
  std::atomic<bool> abandoned{false};
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
  if (opt.exchange && opt.world > 1) {
    if (opt.exchange->size() != opt.world || opt.exchange->rank() != opt.rank)
      throw std::logic_error("StreamingDataset: the exchange communicator is not rank " +
                             std::to_string(opt.rank) + " of " + std::to_string(opt.world));
    if (!opt.exchange->concurrent_threads())
      throw std::logic_error("StreamingDataset: the exchange needs MPI_THREAD_MULTIPLE");
    exchange = opt.exchange;
  }
  std::sort(classes.begin(), classes.end());

  floats = file.sample_floats();
  record.raw = file.raw_sample_bytes();
  limit_bytes = static_cast<int64_t>(opt.buffer_mb * (1 << 20));
  const int64_t raw_bytes = file.raw_sample_bytes();
  // Budget: two windows of at most 3/8 of the buffer each; one block of raw rows and their
  // labels in at most 1/8.
  window_samples = limit_bytes * 3 / 8 / window_bytes_per_sample(floats);
  if (window_samples < 1)
    throw UserError(path + ": io buffer of " + std::to_string(opt.buffer_mb) +
                    " MB cannot hold samples of " + std::to_string(floats * 4) +
                    " bytes; expected at least " +
                    std::to_string((window_bytes_per_sample(floats) * 8 / 3 >> 20) + 1) + " MB");
  block_rows = file.chunk_rows() > 0 ? file.chunk_rows()
                                     : std::max<int64_t>(1, kContiguousBlockBytes / raw_bytes);
  block_rows = std::min(
      {block_rows, std::max<int64_t>(1, limit_bytes / 8 / (raw_bytes + 4)), window_samples});

  const int64_t blocks = (file.rows() + block_rows - 1) / block_rows;
  count_kept_samples(blocks);
  for (int64_t c : block_counts) samples += c;

  // Training (drop_last) needs one whole global batch; evaluation takes a smaller last batch and
  // needs only a sample per rank.
  const int64_t global = opt.drop_last ? opt.batch_per_rank * opt.world : opt.world;
  if (samples < global) {
    std::string what = std::to_string(samples) + " samples";
    if (!classes.empty()) what += " with labels in {" + classes_str(classes) + "}";
    // A held-out split names the option that made the part small.
    char fraction[32];
    std::snprintf(fraction, sizeof fraction, "%g", spec.holdout_fraction);
    if (spec.part == DatasetSpec::Part::kTrain)
      what += " left to train on (of " + std::to_string(file.rows()) + ": --val-fraction " +
              fraction + " holds out the rest)";
    else if (spec.part == DatasetSpec::Part::kHoldout)
      what += " held out by --val-fraction " + std::string(fraction) + " (of " +
              std::to_string(file.rows()) + ")";
    throw UserError(path + ": " + what + " but " +
                    (opt.drop_last ? "one global batch needs " + std::to_string(global) + " (" +
                                         std::to_string(opt.world) + " ranks x " +
                                         std::to_string(opt.batch_per_rank) + ")"
                                   : std::to_string(opt.world) + " ranks need one each") +
                    "; expected at least that many");
  }
  plan = ShardPlan(samples, opt.batch_per_rank, opt.world, opt.drop_last);

  // An epoch that is one window holds every sample, decoded in at most 3/8 of the buffer: keep
  // them all, decoded, instead of reading again every epoch. Exchanging ranks each decode their
  // share of the blocks once and gather the rest; the kept samples are laid out rank by rank so
  // that each rank's share is one piece.
  keep = samples <= window_samples && (opt.world == 1 || exchange);
  if (keep) {
    kept_offset.assign(blocks, -1);
    kept_ready.assign(blocks, false);
    kept_share.assign(exchange ? opt.world : 1, 0);
    int64_t total = 0;
    for (size_t r = 0; r < kept_share.size(); ++r)
      for (int64_t b = 0; b < blocks; ++b)
        if (!exchange || b % opt.world == static_cast<int64_t>(r)) {
          kept_offset[b] = total;
          total += block_counts[b] * record.bytes();
          kept_share[r] += block_counts[b] * record.bytes();
        }
    kept.ensure(static_cast<size_t>(std::max<int64_t>(total, 1)));
  }
}

// Samples per block after filtering. Without a filter that is the block's size; with one, the
// labels are scanned (by every rank alone, or each rank its share of the blocks, summed).
void StreamingDataset::Impl::count_kept_samples(int64_t blocks) {
  block_counts.assign(blocks, 0);
  if (classes.empty() && spec.part == DatasetSpec::Part::kAll) {
    for (int64_t b = 0; b < blocks; ++b) {
      auto [begin, end] = block_range(b);
      block_counts[b] = end - begin;
    }
    return;
  }
  std::vector<int> labels(block_rows, -1);
  // Kept samples per block, then per requested class (a class no sample has is reported).
  std::vector<double> counts(blocks + classes.size(), 0.0);
  for (int64_t b = 0; b < blocks; ++b) {
    if (exchange && b % opt.world != opt.rank) continue;
    auto [begin, end] = block_range(b);
    if (!classes.empty()) file.read_labels(begin, end, labels.data());
    for (int64_t i = 0; i < end - begin; ++i) {
      if (!keeps(begin + i, labels[i])) continue;
      counts[b] += 1;
      if (!classes.empty())
        counts[blocks + (std::lower_bound(classes.begin(), classes.end(), labels[i]) -
                         classes.begin())] += 1;
    }
  }
  if (exchange) exchange->allreduce_sum(counts.data(), counts.size());
  for (int64_t b = 0; b < blocks; ++b) block_counts[b] = static_cast<int64_t>(counts[b]);
  for (size_t c = 0; c < classes.size(); ++c)
    if (counts[blocks + c] == 0) absent_classes.push_back(classes[c]);
}

void StreamingDataset::Impl::stop(bool abandon) {
  {
    std::lock_guard<std::mutex> lock(mu);
    cancel = true;
    stop_epoch = epoch;
    stop_position = step * plan.global_batch();
  }
  if (abandon) abandoned = true;
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
  // The consumer has taken every window of the epochs before e, so the queue holds windows of
  // e and later ones only (with an epoch of one window, possibly two epochs ahead). Decided the
  // same way on every rank: exchanging producers must all go on, or all restart.
  std::lock_guard<std::mutex> lock(mu);
  return !error && !done;
}

void StreamingDataset::Impl::produce(int64_t first_epoch) {
  try {
    raw.ensure(block_rows * file.raw_sample_bytes());
    block_labels.ensure(block_rows);
    block_kept.ensure(block_rows);
    if (keep && exchange && !kept_gathered) gather_kept(first_epoch);
    bool go_on = true;
    stop_agreed = false;
    for (int64_t e = first_epoch; go_on; ++e) {
      order = std::make_unique<EpochOrder>(block_counts, window_samples, opt.seed,
                                           static_cast<uint64_t>(e), opt.shuffle);
      for (int64_t w = 0; w < order->num_windows() && go_on; ++w) {
        if (order->window_begin(w) >= plan.epoch_samples()) break;
        go_on = produce_window(w, e);
      }
      if (!opt.shuffle) break;  // inference passes read one epoch
    }
    if (go_on && exchange && !keep) advance(in_flight(), true);  // the last window's exchange
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

int StreamingDataset::Impl::owner(int64_t e, int64_t w, int64_t i, int64_t block) const {
  if (!exchange) return opt.rank;
  const int64_t p = opt.world;
  // Kept samples are decoded once, by block id. Streamed blocks are dealt in visiting order,
  // carried on from epoch to epoch, so each window, each epoch and the whole run split evenly
  // (within a block).
  if (keep) return static_cast<int>(block % p);
  const int64_t blocks = static_cast<int64_t>(block_counts.size());
  return static_cast<int>(((e % p) * (blocks % p) + order->window_first_block(w) + i) % p);
}

bool StreamingDataset::Impl::wait_for(Communicator::Request& request) {
  auto pause = std::chrono::microseconds(20);
  while (!request.test()) {
    if (abandoned) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(100));
  }
  return true;
}

void StreamingDataset::Impl::deliver(std::unique_ptr<Window> window) {
  {
    std::lock_guard<std::mutex> lock(mu);
    if (window->size == 0 || cancel) {
      pool.push_back(std::move(window));
      return;
    }
    queue.push_back(std::move(window));
  }
  cv.notify_all();
}

bool StreamingDataset::Impl::advance(Exchange& x, bool wait) {
  const int64_t rec = record.bytes();
  while (x.stage != Exchange::Stage::kIdle) {
    if (!x.request->test()) {
      if (!wait) return true;
      if (!wait_for(*x.request)) {  // abandoned: the job is ending
        x.stage = Exchange::Stage::kIdle;
        return false;
      }
    }
    if (x.stage == Exchange::Stage::kAgreeing) {
      if (x.stop_flag != 0) {  // some rank is done: nobody sends this window
        x.stage = Exchange::Stage::kIdle;
        std::lock_guard<std::mutex> lock(mu);
        pool.push_back(std::move(x.window));
        return false;
      }
      x.request = exchange->alltoallv_async(x.outgoing.data(), x.send_bytes,
                                            x.window->records.data(), x.recv_bytes);
      x.stage = Exchange::Stage::kSending;
      continue;
    }
    // Arrived, by source, at the front of the window's records: each slot's record in the
    // order its source sent (this rank's own samples were packed behind them).
    Window& window = *x.window;
    std::vector<int64_t> taken(opt.world, 0);
    for (int64_t s = 0; s < window.size; ++s) {
      const int source = x.slot_source[s];
      if (source == opt.rank) continue;
      window.slots[s] = window.records.data() + x.recv_offset[source] + taken[source]++ * rec;
    }
    x.stage = Exchange::Stage::kIdle;
    deliver(std::move(x.window));
  }
  return true;
}

bool StreamingDataset::Impl::produce_window(int64_t w, int64_t e) {
  const int64_t begin = order->window_begin(w);
  const int64_t size = order->window_size(w);
  const int64_t end = std::min(begin + size, plan.epoch_samples());
  // This rank's positions in the window: its slice of each global batch overlapping it.
  int64_t mine = 0;
  for (int64_t k = begin / plan.global_batch(); k * plan.global_batch() < end; ++k) {
    auto [a, b] = plan.rank_range(k, opt.rank);
    mine += std::max<int64_t>(0, std::min(b, end) - std::max(a, begin));
  }
  // Kept samples make every window locally; otherwise exchanging ranks make each together.
  const bool together = exchange && !keep;
  if (mine == 0 && !together) return true;

  // Wait until at most one window is live (queued, or on its way here), so that with this one
  // two stay within budget; meanwhile drive the exchange in flight (the consumer may be waiting
  // for it).
  {
    std::unique_lock<std::mutex> lock(mu);
    auto live = [&] {
      return queue.size() + (in_flight().stage != Exchange::Stage::kIdle ? 1 : 0);
    };
    while (!cancel && live() > 1) {
      if (!together) {
        cv.wait(lock);
        continue;
      }
      cv.wait_for(lock, std::chrono::milliseconds(1));
      lock.unlock();
      poke_in_flight();
      lock.lock();
      if (stop_agreed) return false;
    }
    if (cancel && !together) return false;
  }

  // The window's samples in block order (the k-th kept row of its i-th block as i << 32 | k),
  // then shuffled: position begin + p takes sample perm[p]. The same on every rank.
  reading_epoch = e;
  loaded_block = -1;  // a block is read once per epoch (counted for it), never carried over
  perm.ensure(static_cast<size_t>(size));
  {
    const std::vector<int64_t> blocks = order->window_blocks(w);
    int64_t j = 0;
    for (size_t i = 0; i < blocks.size(); ++i)
      for (int64_t k = 0; k < block_counts[blocks[i]]; ++k)
        perm[j++] = (static_cast<int64_t>(i) << 32) | k;
  }
  order->shuffle_window(w, perm.data(), size);

  std::unique_ptr<Window> window = take_window();
  window->slots.ensure(static_cast<size_t>(std::max<int64_t>(mine, 1)));
  window->size = mine;
  window->consumed = 0;
  window->epoch = e;
  if (!together) {
    fill_local(*window, w, begin, end);
    bool cancelled;
    {
      std::lock_guard<std::mutex> lock(mu);
      cancelled = cancel;
    }
    deliver(std::move(window));
    return !cancelled;
  }

  // Exchanging: read this window while the previous one travels; then let that one finish
  // and start this one's agreement. Ranks vote to stop for a window past the consumer's stop
  // (a window with positions before it may still be another rank's need).
  Exchange& x = exchanges[exchanges_started % 2];
  x.window = std::move(window);
  prepare_exchange(x, e, w, begin, end);
  if (stop_agreed || !advance(in_flight(), true)) {
    std::lock_guard<std::mutex> lock(mu);
    pool.push_back(std::move(x.window));
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    x.stop_flag = cancel && !(e < stop_epoch || (e == stop_epoch && begin < stop_position));
  }
  x.request = exchange->allreduce_max_async(&x.stop_flag);
  x.stage = Exchange::Stage::kAgreeing;
  ++exchanges_started;
  return true;
}

namespace {

// A window sample as perm holds it: its block (index into the window's blocks), its row among
// the block's kept rows.
int32_t block_of(int64_t sample) {
  return static_cast<int32_t>(sample >> 32);
}
int32_t row_of(int64_t sample) {
  return static_cast<int32_t>(sample & 0xffffffff);
}

// Routes ordered by block (stable: within a block, in the order they were made).
void sort_by_block(const Route* in, int64_t n, int64_t blocks, Route* out) {
  std::vector<int64_t> start(blocks + 1, 0);
  for (int64_t i = 0; i < n; ++i) ++start[in[i].block + 1];
  for (int64_t b = 0; b < blocks; ++b) start[b + 1] += start[b];
  for (int64_t i = 0; i < n; ++i) out[start[in[i].block]++] = in[i];
}

}  // namespace

void StreamingDataset::Impl::fill_local(Window& window, int64_t w, int64_t begin, int64_t end) {
  const std::vector<int64_t> blocks = order->window_blocks(w);
  const int64_t rec = record.bytes();
  routes.ensure(static_cast<size_t>(std::max<int64_t>(window.size, 1)));
  sorted_routes.ensure(static_cast<size_t>(std::max<int64_t>(window.size, 1)));
  int64_t slot = 0;
  for (int64_t k = begin / plan.global_batch(); k * plan.global_batch() < end; ++k) {
    auto [a, b] = plan.rank_range(k, opt.rank);
    for (int64_t p = std::max(a, begin); p < std::min(b, end); ++p, ++slot) {
      const int64_t sample = perm[p - begin];
      routes[slot] = Route{block_of(sample), opt.rank, row_of(sample), static_cast<int32_t>(slot),
                           static_cast<int32_t>(slot)};
    }
  }
  sort_by_block(routes.data(), window.size, static_cast<int64_t>(blocks.size()),
                sorted_routes.data());
  if (!keep) window.records.ensure(static_cast<size_t>(std::max<int64_t>(window.size * rec, 1)));
  for (int64_t r = 0; r < window.size;) {
    const int32_t i = sorted_routes[r].block;
    const uint8_t* decoded = block_records(blocks[i]);
    for (; r < window.size && sorted_routes[r].block == i; ++r) {
      const Route& route = sorted_routes[r];
      if (decoded) {
        window.slots[route.index] = decoded + route.k * rec;
      } else {
        uint8_t* dst = window.records.data() + int64_t{route.index} * rec;
        pack_kept(route.k, dst);
        window.slots[route.index] = dst;
      }
    }
    std::lock_guard<std::mutex> lock(mu);
    if (cancel) return;
  }
}

void StreamingDataset::Impl::prepare_exchange(Exchange& x, int64_t e, int64_t w, int64_t begin,
                                              int64_t end) {
  Window& window = *x.window;
  const std::vector<int64_t> blocks = order->window_blocks(w);
  const int64_t rec = record.bytes();
  const int world = opt.world;
  std::vector<int> source_of(blocks.size());  // the rank reading each block
  int64_t owned = 0;                          // at most this many samples go out
  for (size_t i = 0; i < blocks.size(); ++i) {
    source_of[i] = owner(e, w, static_cast<int64_t>(i), blocks[i]);
    if (source_of[i] == opt.rank) owned += block_counts[blocks[i]];
  }
  // Every position of the window, step by step and rank by rank (so each rank's positions come
  // in its slot order): the rank that consumes it, and the rank that reads its block. This rank
  // notes what it sends and where its own slots come from.
  std::vector<int64_t> send_count(world, 0), recv_count(world, 0);
  routes.ensure(static_cast<size_t>(std::max<int64_t>(owned, 1)));
  x.slot_source.ensure(static_cast<size_t>(std::max<int64_t>(window.size, 1)));
  int64_t sends = 0, own_samples = 0, slot = 0;
  for (int64_t k = begin / plan.global_batch(); k * plan.global_batch() < end; ++k)
    for (int dest = 0; dest < world; ++dest) {
      auto [a, b] = plan.rank_range(k, dest);
      for (int64_t p = std::max(a, begin); p < std::min(b, end); ++p) {
        const int64_t sample = perm[p - begin];
        const int source = source_of[block_of(sample)];
        // A sample this rank reads for itself is decoded straight into its slot; the others
        // travel as stored.
        const bool own = source == opt.rank && dest == opt.rank;
        if (source == opt.rank)
          routes[sends++] = Route{block_of(sample), dest, row_of(sample),
                                  static_cast<int32_t>(own ? own_samples++ : send_count[dest]++),
                                  static_cast<int32_t>(slot)};
        if (dest == opt.rank) {
          x.slot_source[slot++] = source;
          if (!own) ++recv_count[source];
        }
      }
    }

  // Read this rank's blocks once each (HDF5 decompresses them): its own samples decoded into
  // their slots, the others' packed as stored.
  std::vector<int64_t> send_offset(world, 0);
  x.send_bytes.assign(world, 0);
  x.recv_bytes.assign(world, 0);
  x.recv_offset.assign(world, 0);
  int64_t received = 0;
  for (int r = 0; r < world; ++r) {
    x.send_bytes[r] = send_count[r] * rec;
    x.recv_bytes[r] = recv_count[r] * rec;
    received += recv_count[r];
    if (r > 0) {
      send_offset[r] = send_offset[r - 1] + x.send_bytes[r - 1];
      x.recv_offset[r] = x.recv_offset[r - 1] + x.recv_bytes[r - 1];
    }
  }
  // The window's records: what other ranks send, by source (where the all-to-all puts them),
  // then this rank's own samples.
  x.outgoing.ensure(static_cast<size_t>(std::max<int64_t>((sends - own_samples) * rec, 1)));
  window.records.ensure(static_cast<size_t>(std::max<int64_t>(window.size * rec, 1)));
  uint8_t* own = window.records.data() + received * rec;
  sorted_routes.ensure(static_cast<size_t>(std::max<int64_t>(sends, 1)));
  sort_by_block(routes.data(), sends, static_cast<int64_t>(blocks.size()), sorted_routes.data());
  for (int64_t r = 0; r < sends;) {
    const int32_t i = sorted_routes[r].block;
    poke_in_flight();  // the previous window's exchange moves on meanwhile
    load_block(blocks[i]);
    for (; r < sends && sorted_routes[r].block == i; ++r) {
      const Route& route = sorted_routes[r];
      if (route.dest == opt.rank) {
        uint8_t* dst = own + int64_t{route.index} * rec;
        pack_kept(route.k, dst);
        window.slots[route.slot] = dst;
      } else {
        pack_kept(route.k,
                  x.outgoing.data() + send_offset[route.dest] + int64_t{route.index} * rec);
      }
    }
  }
}

const uint8_t* StreamingDataset::Impl::block_records(int64_t block) {
  if (!keep) {
    load_block(block);
    return nullptr;
  }
  uint8_t* base = kept.data() + kept_offset[block];
  if (!kept_ready[block]) {
    load_block(block);
    for (int64_t k = 0; k < block_counts[block]; ++k) pack_kept(k, base + k * record.bytes());
    kept_ready[block] = true;
  }
  return base;
}

void StreamingDataset::Impl::gather_kept(int64_t epoch) {
  reading_epoch = epoch;
  for (int64_t b = 0; b < static_cast<int64_t>(block_counts.size()); ++b)
    if (b % opt.world == opt.rank) block_records(b);
  exchange->allgatherv(kept.data(), kept_share);
  kept_ready.assign(block_counts.size(), true);
  kept_gathered = true;
}

void StreamingDataset::Impl::load_block(int64_t block) {
  if (loaded_block == block) return;
  loaded_block = -1;
  auto [first, last] = block_range(block);
  file.read_raw_range(first, last, raw.data());
  {
    std::lock_guard<std::mutex> lock(reads_mu);
    reads[reading_epoch].blocks += 1;
    reads[reading_epoch].bytes += (last - first) * file.raw_sample_bytes();
  }
  if (file.has_labels()) file.read_labels(first, last, block_labels.data());
  int64_t n = 0;
  for (int64_t row = first; row < last; ++row) {
    int label = file.has_labels() ? block_labels[row - first] : -1;
    if (keeps(row, label)) block_kept[n++] = static_cast<int32_t>(row - first);
  }
  if (n != block_counts[block])
    throw std::logic_error("StreamingDataset: block " + std::to_string(block) + " kept " +
                           std::to_string(n) + " rows, counted " +
                           std::to_string(block_counts[block]));
  loaded_block = block;
}

void StreamingDataset::Impl::pack_kept(int64_t k, uint8_t* dst) {
  const int64_t in_block = block_kept[k];
  const int64_t row = block_range(loaded_block).first + in_block;
  const int32_t label = file.has_labels() ? block_labels[in_block] : -1;
  std::memcpy(dst, &row, 8);
  std::memcpy(dst + 8, &label, 4);
  std::memcpy(dst + 16, raw.data() + in_block * record.raw, record.raw);
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
const std::vector<int>& StreamingDataset::absent_classes() const {
  return impl_->absent_classes;
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
ReadCounts StreamingDataset::reads(int64_t epoch) const {
  std::lock_guard<std::mutex> lock(impl_->reads_mu);
  ReadCounts total;
  for (const auto& [e, counts] : impl_->reads)
    if (epoch < 0 || e == epoch) {
      total.blocks += counts.blocks;
      total.bytes += counts.bytes;
    }
  return total;
}
bool StreamingDataset::keeps_decoded_samples() const {
  return impl_->keep;
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
    decode_records(m.file, w->slots.data() + w->consumed, n, images.data() + copied * m.floats,
                   labels && m.file.has_labels() ? labels->data() + copied : nullptr);
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
