#pragma once
// The training loop, the same on one process and on N ranks:
//   for each epoch: for each global batch (this rank's share streamed from HDF5):
//     train_step → metrics; log; checkpoint every N steps
//   at each epoch's end: validation, image grids; at the end: the final checkpoint.
// Rank 0 alone writes the run folder (config.ini, metrics.jsonl, checkpoint.h5, PNG grids).
#include <csignal>
#include <cstdint>
#include <string>

#include "io/dataset_spec.hpp"
#include "models/model.hpp"
#include "runtime/communicator.hpp"

namespace latent {

struct TrainOptions {
  DatasetSpec data;
  std::string val_data;     // HDF5 file for validation; empty: none
  double val_fraction = 0;  // or hold out this share of `data` (data.part must be kTrain)
  int64_t epochs = 10;
  int64_t max_steps = 0;  // stop after this many updates (0: no limit)
  int64_t batch = 128;    // per rank; the global batch is ranks × batch
  uint32_t seed = 1;
  std::string out = "runs/latest";
  int64_t checkpoint_every = 0;  // steps; 0: only at the end
  std::string resume;            // checkpoint to continue from (the same run, the same data)
  std::string init_from;         // or a checkpoint whose weights start a new run
  double io_buffer_mb = 256;
  int64_t log_every = 50;
  int64_t lr_warmup_steps = 0;      // learning rate ramps linearly from 0 over these steps
  double bucket_mb = 0.25;          // gradient bucket size
  bool overlap = true;              // buckets overlap backward (false: one allreduce at the end)
  bool shard_optimizer = true;      // each rank updates its part of the parameters (ZeRO-1)
  bool node_shared = true;          // one copy of parameters per node, in shared memory
  bool sync_bn = false;             // batch-norm statistics over all ranks' samples
  bool nccl = true;                 // GPU ranks sum gradients with NCCL (false: MPI, host copies)
  bool comm_given = false;          // --comm given: NCCL that cannot work is refused, not replaced
  double stall_timeout_s = 600;     // a rank waiting longer for its peers ends the job (0: never)
  bool space_check_refuses = true;  // too little room for checkpoints: refuse (false: warn)
  int64_t grid_images = 64;
  bool progress_bar = false;  // redraw one line (stdout is a terminal) instead of log lines
  // Non-zero (a signal's number) asks the run to stop after the current step and checkpoint.
  const volatile std::sig_atomic_t* stop_signal = nullptr;
};

struct TrainSummary {
  int64_t steps = 0;
  double seconds = 0;
  double samples_per_s = 0;
  Metrics last_train, last_val;
  int stopped_by_signal = 0;
  int64_t steps_done = 0;  // the run's position (all its steps, resumed ones included)  // the
                           // signal that stopped the run early (checkpoint written)
};

class Trainer {
 public:
  Trainer(Model& model, Communicator& comm, const TrainOptions& options,
          const std::string& config_text);
  TrainSummary run();

 private:
  struct Impl;
  Model& model_;
  Communicator& comm_;
  TrainOptions opt_;
  std::string config_text_;
};

}  // namespace latent
