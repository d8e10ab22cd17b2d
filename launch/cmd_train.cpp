// `latent train`: builds the model from the options and the data's shape, then runs the
// training loop.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "launch/app_support.hpp"
#include "launch/data_shape.hpp"
#include "launch/run_config.hpp"
#include "launch/subcommands.hpp"
#include "launch/world.hpp"
#include "models/model_checkpoint.hpp"
#include "models/trainer.hpp"
#include "runtime/communicator.hpp"
#include "runtime/threads.hpp"

int cmd_train(int argc, char** argv) {
  using namespace latent;
  RunConfig rc = parse_train_args(argc, argv);
  if (rc.help) {
    std::cout << rc.help_text;
    return 0;
  }
  Communicator& comm = world();
  if (!rc.train.resume.empty())
    rc = resume_run_config(rc, checkpoint_config_text(rc.train.resume),
                           checkpoint_world_size(rc.train.resume), comm.size());
  use_threads(rc.threads, comm, /*announce=*/true);
  rc.model.sample_shape = dataset_sample_shape(rc.train.data);
  auto model = make_model(rc.model, rc.train.seed);
  // mpirun hands its ranks a terminal of their own even when its output goes to a file, so
  // under MPI the progress is plain lines.
  rc.train.progress_bar = isatty(STDOUT_FILENO) && !launched_by_mpi();
  TrainSummary s = Trainer(*model, comm, rc.train, rc.resolved_text).run();
  if (comm.rank() == 0) {
    std::printf("trained %s: %lld steps in %.1f s (%.0f samples/s)\n", rc.model.kind.c_str(),
                static_cast<long long>(s.steps), s.seconds, s.samples_per_s);
    std::printf("run folder %s: config.ini metrics.jsonl checkpoint.h5 and PNG grids\n",
                rc.train.out.c_str());
  }
  return 0;
}
