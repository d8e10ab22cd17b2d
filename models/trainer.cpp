#include "models/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "io/data_identity.hpp"
#include "io/output_path.hpp"
#include "io/streaming_dataset.hpp"
#include "models/epoch_grids.hpp"
#include "models/join_ranks.hpp"
#include "models/metrics_accumulator.hpp"
#include "models/model_checkpoint.hpp"
#include "models/model_kinds.hpp"
#include "models/run_folder.hpp"
#include "models/training_checks.hpp"
#include "models/training_progress.hpp"
#include "runtime/error.hpp"
#include "runtime/host_staging.hpp"
#include "runtime/stall_watchdog.hpp"

namespace latent {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

nlohmann::ordered_json row_of(const Metrics& m) {
  nlohmann::ordered_json row;
  for (auto& [k, v] : m.items()) row[k] = v.value();
  return row;
}

}  // namespace

struct Trainer::Impl {
  Model& model;
  Communicator& comm;
  const TrainOptions& opt;
  const std::string& config_text;
  const ModelTraits& traits;
  RunFolder folder;  // rank 0's; inactive elsewhere
  EpochGrids grids;
  TrainingPosition pos;
  RunOrigin origin;  // the training file and the weights' source, kept in every checkpoint
  // The training stream's own communicator: its prefetch thread exchanges samples on it while
  // this thread allreduces gradients on `comm`.
  std::unique_ptr<Communicator> data_comm;
  std::unique_ptr<StreamingDataset> data, validation_data;
  // The dataset makes batches in host memory; on a GPU they are uploaded here (on the CPU the
  // model reads the dataset's batch itself).
  Tensor device_batch;
  std::vector<int> labels;  // the batch's, read only for kinds that train on them

  // The loop's bookkeeping.
  int64_t steps_per_epoch = 0, total_steps = 0, steps_at_start = 0;
  int64_t samples_since_log = 0, samples_total = 0;
  Clock::time_point start, last_log;
  MetricsAccumulator acc;
  // Each step's metrics since the last log, checked for divergence when the log reads them:
  // reading them at every step would make the host wait for a GPU at every step.
  struct UncheckedStep {
    int64_t step, epoch;
    Metrics metrics;
  };
  std::vector<UncheckedStep> unchecked;
  int64_t host_waits_at_last_row = 0;  // host_wait_count() when the last row was written
  TrainSummary summary;

  Impl(Model& m, Communicator& c, const TrainOptions& o, const std::string& text)
      : model(m),
        comm(c),
        opt(o),
        config_text(text),
        traits(model_kind(m.kind()).traits),
        folder(o.out, c.rank() == 0, text, !o.resume.empty()),
        grids(m, folder, o.seed, o.grid_images) {}

  const Tensor& on_model_device(const Tensor& host) {
    return on_device(host, model.config().device, device_batch);
  }
  std::vector<int>* wanted_labels() { return traits.needs_labels ? &labels : nullptr; }

  // --- before the first step: every input is checked before the run folder is touched, so
  // bad input leaves an earlier run's files as they were.

  StreamingOptions stream_options(bool train) const {
    StreamingOptions s;
    s.rank = comm.rank();
    s.world = comm.size();
    s.seed = opt.seed;
    s.batch_per_rank = opt.batch;
    s.buffer_mb = opt.io_buffer_mb;
    s.shuffle = train;
    s.drop_last = train;  // validation sees every sample
    // Training reads each block once across the ranks and exchanges samples; validation reads
    // each rank's own share.
    if (train) s.exchange = data_comm.get();
    return s;
  }

  bool has_validation() const { return !opt.val_data.empty() || opt.val_fraction > 0; }

  // The held-out part of the training file, or the validation file (same datasets, classes).
  DatasetSpec validation_spec() const {
    DatasetSpec v = opt.data;
    if (opt.val_fraction > 0) {
      v.part = DatasetSpec::Part::kHoldout;
    } else {
      v.path = opt.val_data;
      v.part = DatasetSpec::Part::kAll;
    }
    return v;
  }

  void open_data() {
    if (comm.size() > 1 && comm.concurrent_threads()) data_comm = comm.duplicate();
    data = std::make_unique<StreamingDataset>(opt.data, stream_options(true));
    warn_absent_classes();
    if (has_validation())
      validation_data =
          std::make_unique<StreamingDataset>(validation_spec(), stream_options(false));
  }

  // A requested class that no sample has is most likely a typo.
  void warn_absent_classes() const {
    if (!folder.writer()) return;
    for (int c : data->absent_classes())
      std::fprintf(stderr,
                   "latent: warning: --classes: no sample of %s%s has label %d; training on the "
                   "other classes\n",
                   opt.data.path.c_str(),
                   opt.data.part == DatasetSpec::Part::kTrain ? " (in the rows trained on)" : "",
                   c);
  }

  void check_data() {
    // An mlp takes any layout of the same values per sample ((784) or (1, 28, 28)); conv needs
    // the same image shape.
    const Shape& train_shape = data->sample_shape();
    if (validation_data &&
        (validation_data->sample_shape().numel() != train_shape.numel() ||
         (model.config().arch == "conv" && !(validation_data->sample_shape() == train_shape))))
      throw UserError(validation_spec().path + ": validation samples have shape " +
                      validation_data->sample_shape().str() + "; expected " + train_shape.str() +
                      " like the training data " + opt.data.path);
    require_labels(*data, opt.data);
    if (validation_data) require_labels(*validation_data, validation_spec());
    grids.decide(train_shape, traits.draws_images);
  }

  void require_labels(const StreamingDataset& d, const DatasetSpec& spec) const {
    if (traits.needs_labels && !d.has_labels())
      throw UserError(spec.path + ": no /" + spec.labels_name + " dataset; --model " +
                      model.kind() + " trains on labels (--labels-dataset names them)");
  }

  // The training file's identity; a resume on other data is refused (rank 0 reads it: a refusal
  // ends every rank).
  void identify_data() {
    if (!folder.writer()) return;
    origin.data = identify_dataset(opt.data);
    origin.data_path = opt.data.path;
    origin.init_from = opt.init_from;
    if (opt.resume.empty()) return;
    const RunOrigin trained = checkpoint_origin(opt.resume);
    origin.init_from = trained.init_from;
    if (!trained.data.known()) return;  // a checkpoint from before data identities
    const std::string diff = data_difference(trained.data, origin.data);
    if (!diff.empty())
      throw UserError("--resume " + opt.resume + ": --data " + opt.data.path +
                      " is not the data this run was trained on (" + trained.data_path +
                      "): " + diff +
                      "; a resumed run continues on its own data (the same file moved is fine); "
                      "to train these weights on other data, start a new run with --init-from " +
                      opt.resume);
  }

  // The resumed run's state, or a new run's weights from another checkpoint.
  void restore() {
    if (!opt.resume.empty()) {
      pos = load_checkpoint(model, opt.resume);
      forget_input_file(opt.resume);  // a resumed run goes on to replace it
      // A resumed run continues the checkpoint's random streams (launch/ takes its seed).
      if (pos.seed != opt.seed)
        throw UserError("--resume " + opt.resume + ": the checkpoint was trained with seed " +
                        std::to_string(pos.seed) + ", this run has seed " +
                        std::to_string(opt.seed));
    } else if (!opt.init_from.empty()) {
      std::error_code ec;
      if (std::filesystem::equivalent(opt.init_from, folder.path() / "checkpoint.h5", ec))
        throw UserError("--init-from " + opt.init_from +
                        " is the checkpoint this new run would replace (--out " +
                        folder.path().string() +
                        "): choose another --out, or continue that run with --resume");
      load_weights(model, opt.init_from);  // a new run: its own optimizer state, step 0
    }
    pos.seed = opt.seed;
    pos.world_size = comm.size();
  }

  void prepare() {
    open_data();
    check_data();
    identify_data();
    restore();
    folder.check_room_for_checkpoints(model, opt.space_check_refuses);
    folder.claim();
    join_ranks(model, comm, opt, config_text);
  }

  // --- the phases of a run

  void pretrain() {
    Pretrainer* p = model.as_pretrainer();
    if (!p || pos.step > 0) return;
    for (int e = 0; e < p->pretrain_epochs(); ++e) {
      data->start_epoch(1000000 + e);  // orders of their own, not the main epochs'
      Tensor images;
      uint64_t first = 0;
      MetricsAccumulator pretrain_acc;
      for (int64_t s = 0; data->next_batch(images, wanted_labels(), &first); ++s)
        pretrain_acc.add(p->pretrain_step(
            on_model_device(images),
            BatchInfo{first, data->global_batch_rows(s), opt.seed, 1.0f, s, &labels}));
      nlohmann::ordered_json row{{"phase", "pretrain"}, {"epoch", e + 1}};
      row.update(row_of(pretrain_acc.reduce(comm)));
      folder.write_row(row);
    }
    for (Network* net : model.networks()) net->reset_average();  // the average starts here
  }

  float lr_scale() const {
    if (opt.lr_warmup_steps <= 0) return 1.0f;
    return std::min(1.0f, static_cast<float>(pos.step + 1) / opt.lr_warmup_steps);
  }

  double comm_wait_seconds() {
    double s = 0;
    for (Network* net : model.networks())
      if (net->gradient_sync()) s += net->gradient_sync()->exposed_seconds();
    return s;
  }

  // One update, with where its time went: the whole update, the part blocked on gradient
  // allreduce (not hidden behind backward), and the wait for the prefetched batch.
  Metrics train_one_step(const Tensor& images, uint64_t first, double data_wait) {
    const int64_t global = data->global_batch_rows(pos.step_in_epoch);
    set_stall_step(pos.step);  // named if a peer stalls in this step
    const double comm_before = comm_wait_seconds();
    const auto step_start = Clock::now();
    Metrics m = model.train_step(on_model_device(images),
                                 BatchInfo{first, global, opt.seed, lr_scale(), pos.step, &labels});
    for (Network* net : model.networks()) net->update_average(global);  // the EMA, where kept
    unchecked.push_back(UncheckedStep{pos.step, pos.epoch, m});
    m.set("step_s", seconds_since(step_start));
    m.set("comm_wait_s", comm_wait_seconds() - comm_before);
    m.set("data_wait_s", data_wait);
    ++pos.step, ++pos.step_in_epoch;
    samples_since_log += global, samples_total += global;
    return m;
  }

  // Reads the metrics of the steps since the last check (the first read fetches every pending
  // value) and stops a diverged run at its first non-finite step.
  void check_steps() {
    for (const UncheckedStep& s : unchecked) expect_finite_metrics(s.metrics, s.step, s.epoch);
    unchecked.clear();
  }

  // The times the host waited for the device since the last row, this row's read included: 1
  // when only the log reads (runtime/scalar.hpp).
  int64_t host_waits_since_last_row() {
    const int64_t now = host_wait_count(), since = now - host_waits_at_last_row;
    host_waits_at_last_row = now;
    return since;
  }

  // Every --log-every steps and at an epoch's end: the means over ranks as a metrics row and a
  // progress line. The steps' values and the parameter check are read together.
  void log_step() {
    const FiniteParameterCheck parameters(model);
    check_steps();
    parameters.expect(pos.step);
    Metrics mean = acc.reduce(comm);
    acc.clear();
    mean.set("host_waits", static_cast<double>(host_waits_since_last_row()));
    const double rate = samples_since_log / std::max(1e-9, seconds_since(last_log));
    const double eta =
        (total_steps - pos.step) * (seconds_since(start) / (pos.step - steps_at_start));
    nlohmann::ordered_json row{
        {"step", pos.step}, {"epoch", pos.epoch + 1}, {"samples_per_s", rate}};
    row.update(row_of(mean));
    folder.write_row(row);
    if (folder.writer())
      print_progress(ProgressState{pos.step, total_steps, pos.epoch, pos.step_in_epoch,
                                   steps_per_epoch, rate, eta},
                     mean, opt.progress_bar);
    summary.last_train = mean;
    last_log = Clock::now();
    samples_since_log = 0;
  }

  // True on every rank once any rank got SIGTERM/SIGUSR1/SIGINT: they agree at the same step,
  // so the checkpoint is written collectively.
  bool stop_requested() {
    if (!opt.stop_signal) return false;
    int sig = static_cast<int>(*opt.stop_signal);
    if (comm.size() > 1) sig = comm.allreduce_max(sig);
    summary.stopped_by_signal = sig;
    return sig != 0;
  }

  void save() {
    check_steps();  // a diverged run is stopped, not checkpointed
    for (Network* net : model.networks()) net->gather_optimizer_state();  // sharded: all of it
    folder.save_checkpoint(model, pos, origin);
  }

  // The steps of one epoch (from where a resumed run stopped); false when a signal stopped the
  // run (its checkpoint written).
  bool train_epoch(const UnitIntervalCheck& unit_check, int64_t checked_epoch) {
    data->start_epoch(pos.epoch);
    Tensor images;
    uint64_t first = 0;
    for (int64_t skip = 0; skip < pos.step_in_epoch; ++skip)  // resuming mid-epoch
      data->next_batch(images, nullptr, &first);
    auto wait_start = Clock::now();
    host_waits_since_last_row();  // the rows count the steps' waits, not validation's or grids'
    while (pos.step < total_steps && data->next_batch(images, wanted_labels(), &first)) {
      const double data_wait = seconds_since(wait_start);
      if (pos.epoch == checked_epoch) unit_check.check(images, opt.data, first);  // same data
      grids.remember(images, wanted_labels());
      acc.add(train_one_step(images, first, data_wait));
      const bool end_of_epoch = pos.step_in_epoch == steps_per_epoch || pos.step == total_steps;
      if (pos.step % opt.log_every == 0 || end_of_epoch) log_step();
      if (opt.checkpoint_every > 0 && pos.step % opt.checkpoint_every == 0) save();
      if (stop_requested()) {
        check_steps();
        if (!acc.empty()) {
          nlohmann::ordered_json row{{"step", pos.step}, {"epoch", pos.epoch + 1}};
          row.update(row_of(acc.reduce(comm)));
          folder.write_row(row);
        }
        save();
        summary.steps_done = pos.step;
        return false;
      }
      wait_start = Clock::now();
    }
    return true;
  }

  Metrics validate(int64_t epoch) {
    StreamingDataset& val = *validation_data;
    val.start_epoch(0);
    Tensor images;
    uint64_t first = 0;
    MetricsAccumulator val_acc;
    while (val.next_batch(images, wanted_labels(), &first)) {
      val_acc.add(model.evaluate(on_model_device(images),
                                 BatchInfo{first, images.dim(0), opt.seed, 1.0f, pos.step, &labels},
                                 nullptr),
                  static_cast<double>(images.dim(0)));
    }
    Metrics m = val_acc.reduce(comm);
    nlohmann::ordered_json row{{"split", "val"}, {"step", pos.step}, {"epoch", epoch + 1}};
    row.update(row_of(m));
    folder.write_row(row);
    return m;
  }

  // Validation and the grids at an epoch's end (or where --max-steps stopped inside one).
  void evaluate_epoch() {
    if (has_validation()) summary.last_val = validate(pos.epoch);
    grids.draw(pos.epoch);
  }

  TrainSummary finish() {
    summary.steps = pos.step - steps_at_start;
    summary.seconds = seconds_since(start);
    summary.samples_per_s = samples_total / std::max(1e-9, summary.seconds);
    return summary;
  }

  TrainSummary run() {
    prepare();
    pretrain();
    steps_per_epoch = data->steps_per_epoch();
    total_steps = opt.epochs * steps_per_epoch;
    if (opt.max_steps > 0) total_steps = std::min(total_steps, opt.max_steps);
    steps_at_start = pos.step;
    start = last_log = Clock::now();
    const UnitIntervalCheck unit_check(model.config(), traits);
    const int64_t checked_epoch = pos.epoch;
    const bool bar = opt.progress_bar && folder.writer();
    for (; pos.epoch < opt.epochs && pos.step < total_steps; ++pos.epoch) {
      if (!train_epoch(unit_check, checked_epoch)) return finish();
      if (pos.step_in_epoch < steps_per_epoch) break;  // stopped by --max-steps
      if (bar) std::printf("\n");
      evaluate_epoch();
      // Rank 0 alone writes the epoch's rows and grids. The others wait for it here, so the
      // next epoch's first step does not count that drawing as waiting for gradients.
      if (comm.size() > 1) comm.barrier();
      pos.step_in_epoch = 0;
      last_log = Clock::now();  // the next rate counts training only
    }
    if (bar) std::printf("\n");
    if (pos.step_in_epoch > 0) evaluate_epoch();  // stopped inside an epoch
    save();
    return finish();
  }
};

Trainer::Trainer(Model& model, Communicator& comm, const TrainOptions& options,
                 const std::string& config_text)
    : model_(model), comm_(comm), opt_(options), config_text_(config_text) {}

TrainSummary Trainer::run() {
  return Impl(model_, comm_, opt_, config_text_).run();
}

}  // namespace latent
