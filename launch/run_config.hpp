#pragma once
// `latent train` options: one table drives the command line, the INI config file (--config,
// the command line wins), --help, and the resolved OUT/config.ini, which is also stored in
// checkpoints so `latent eval` rebuilds the same model.
#include <string>

#include "models/model_config.hpp"
#include "models/trainer.hpp"

namespace latent {

struct RunConfig {
  ModelConfig model;  // sample_shape is filled in from the data later
  TrainOptions train;
  int threads = 0;
  std::string resolved_text;  // "key = value" for every option
  bool help = false;
  std::string help_text;
};

// Parses `latent train` arguments (argv[0] is "train"); UserError naming the option on bad
// values.
RunConfig parse_train_args(int argc, char** argv);

// The model part of a resolved config (from a checkpoint's /meta config).
ModelConfig model_config_from_text(const std::string& resolved_text);

}  // namespace latent
