#pragma once
// The options of `latent train` that are not the model's: the data, the schedule, the run
// folder and how ranks work together. One table gives each its default, help and what a resume
// may do with it; the model's options come from the kinds table (models/model_kinds.hpp).
#include <functional>
#include <string>
#include <vector>

#include "models/trainer.hpp"

namespace latent {

// On --resume an option either shapes the computation, so the checkpoint's value holds and a
// different one is refused, or only extends / observes the run and may change.
enum class OnResume { kCheckpointHolds, kMayChange };

struct TrainOptionSpec {
  const char* name;
  const char* default_value;
  const char* help;
  OnResume on_resume = OnResume::kCheckpointHolds;
};

// Every training option, in the order config.ini lists them.
const std::vector<TrainOptionSpec>& training_option_specs();
// Options of this process only, like --threads but kept out of the resolved config (config.ini,
// the checkpoint's text): a checkpoint is the same whatever device trained it.
const std::vector<TrainOptionSpec>& process_option_specs();

// An option's value as text, by name.
using OptionValues = std::function<std::string(const char* name)>;
// The training options from their values, each checked (UserError naming the option).
TrainOptions training_options_from(const OptionValues& get);

}  // namespace latent
