// `latent train`: builds the model from the options and the data's shape, then runs the
// training loop.
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "io/label_range.hpp"
#include "launch/app_support.hpp"
#include "launch/data_shape.hpp"
#include "launch/run_config.hpp"
#include "launch/signals.hpp"
#include "launch/subcommands.hpp"
#include "launch/world.hpp"
#include "models/architectures.hpp"
#include "models/model_checkpoint.hpp"
#include "models/model_kinds.hpp"
#include "models/trainer.hpp"
#include "runtime/communicator.hpp"
#include "runtime/stall_watchdog.hpp"
#include "runtime/threads.hpp"

namespace {

// "Stopped early, checkpoint written, resume to continue" (BSD's EX_TEMPFAIL): a batch script
// tells it from success and from failure, and requeues the job.
constexpr int kStoppedBySignal = 75;

const char* signal_name(int sig) {
  switch (sig) {
    case SIGTERM:
      return "SIGTERM";
    case SIGUSR1:
      return "SIGUSR1";
    case SIGINT:
      return "SIGINT";
    default:
      return "a signal";
  }
}

// --conv-widths auto: the widths chosen for the images' size, said once.
void announce_conv_widths(latent::RunConfig& rc, bool print) {
  const latent::Shape& s = rc.model.sample_shape;
  const std::vector<int64_t> widths = latent::default_conv_widths(s);
  latent::resolve_conv_widths(rc, widths);
  if (!print) return;
  std::string chosen, sides = std::to_string(s[1]) + "x" + std::to_string(s[2]);
  int64_t h = s[1], w = s[2];
  for (int64_t width : widths) {
    chosen += (chosen.empty() ? "" : ",") + std::to_string(width);
    h /= 2, w /= 2;
    sides += " -> " + std::to_string(h) + "x" + std::to_string(w);
  }
  std::printf("conv widths: %s (auto for samples of %s: %zu stride-2 layers, %s)\n", chosen.c_str(),
              s.str().c_str(), widths.size(), sides.c_str());
}

}  // namespace

int cmd_train(int argc, char** argv) {
  using namespace latent;
  RunConfig rc = parse_train_args(argc, argv);
  if (rc.help) {
    std::cout << rc.help_text;
    return 0;
  }
  expect_usable(rc.model.device);  // before any file is read or written
  Communicator& comm = world();
  if (!rc.train.resume.empty())
    rc = resume_run_config(rc, checkpoint_config_text(rc.train.resume),
                           checkpoint_world_size(rc.train.resume), comm.size());
  expect_math_usable(rc.model.math, rc.model.device, comm.rank() == 0);
  rc.train.comm_given = rc.given.count("comm") > 0;  // refused, not replaced, where it can't work
  set_stall_timeout(rc.train.stall_timeout_s);
  use_threads(rc.threads, comm, /*announce=*/true);
  rc.model.sample_shape = dataset_sample_shape(rc.train.data);
  if (rc.model.arch == "conv" && rc.model.conv_widths.empty() && rc.model.sample_shape.rank() == 3)
    announce_conv_widths(rc, comm.rank() == 0);
  const ModelTraits& traits = model_kind(rc.model.kind).traits;
  if (traits.needs_labels && rc.model.num_classes == 0)
    resolve_num_classes(rc, count_label_classes(rc.train.data));
  auto model = make_model(rc.model, rc.train.seed);
  // mpirun hands its ranks a terminal of their own even when its output goes to a file, so
  // under MPI the progress is plain lines.
  rc.train.progress_bar = isatty(STDOUT_FILENO) && !launched_by_mpi();
  rc.train.stop_signal = request_stop_on_signals();
  TrainSummary s = Trainer(*model, comm, rc.train, rc.resolved_text).run();
  if (s.stopped_by_signal) {
    if (comm.rank() == 0) {
      std::printf("\n");
      std::fprintf(stderr,
                   "latent: stopped by %s at step %lld; checkpoint written to %s/checkpoint.h5; "
                   "resume with: latent train --resume %s/checkpoint.h5\n",
                   signal_name(s.stopped_by_signal), static_cast<long long>(s.steps_done),
                   rc.train.out.c_str(), rc.train.out.c_str());
    }
    return kStoppedBySignal;
  }
  if (comm.rank() == 0) {
    std::printf("trained %s: %lld steps in %.1f s (%.0f samples/s)\n", rc.model.kind.c_str(),
                static_cast<long long>(s.steps), s.seconds, s.samples_per_s);
    std::printf("run folder %s: config.ini metrics.jsonl checkpoint.h5%s\n", rc.train.out.c_str(),
                traits.draws_images ? " and PNG grids" : "");
  }
  return 0;
}
