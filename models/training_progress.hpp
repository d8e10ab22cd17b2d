#pragma once
// What rank 0 prints as a run goes: a line per logged step, or one bar redrawn in place when
// stdout is a terminal.
#include <cstdint>

#include "models/metrics.hpp"

namespace latent {

struct ProgressState {
  int64_t step = 0, total_steps = 0;  // the run's
  int64_t epoch = 0;                  // 0-based
  int64_t step_in_epoch = 0, steps_per_epoch = 0;
  double samples_per_s = 0, eta_s = 0;
};

// Prints the state and the metrics' losses (loss, loss_d, loss_g); `bar` redraws one line.
void print_progress(const ProgressState& s, const Metrics& m, bool bar);

}  // namespace latent
