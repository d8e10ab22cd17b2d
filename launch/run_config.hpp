#pragma once
// `latent train` options: one table drives the command line, the INI config file (--config,
// the command line wins), --help, and the resolved OUT/config.ini, which is also stored in
// checkpoints so `latent eval` rebuilds the same model.
#include <map>
#include <string>

#include "models/model_config.hpp"
#include "models/trainer.hpp"

namespace latent {

struct RunConfig {
  ModelConfig model;  // sample_shape is filled in from the data later
  TrainOptions train;
  int threads = 0;  // model.device (--device) is likewise the process's, not in resolved_text
  std::string resolved_text;  // "key = value" for every option
  // The options given on the command line or in --config (not defaulted), by name.
  std::map<std::string, std::string> given;
  bool help = false;
  std::string help_text;
};

// Parses `latent train` arguments (argv[0] is "train"); UserError naming the option on bad
// values.
RunConfig parse_train_args(int argc, char** argv);

// The run a resume continues: every setting that shapes the computation (model, optimizer,
// seed, data selection, global batch, ...) comes from the checkpoint's config; options given
// now that differ from it are refused (UserError naming the option and both values). Options
// that only extend or observe the run (epochs, max-steps, out, log-every, threads, val-data,
// ...) may change. The per-rank batch follows from the checkpoint's global batch and `world`.
RunConfig resume_run_config(const RunConfig& given, const std::string& checkpoint_text,
                            int checkpoint_world, int world);

// Sets the classifier's class count found in the data, in the model and in the resolved text
// (so checkpoints, resumes and `latent eval` rebuild the same output layer).
void resolve_num_classes(RunConfig& rc, int64_t classes);

// Sets the conv widths chosen for --conv-widths auto, in the model and in the resolved text.
void resolve_conv_widths(RunConfig& rc, const std::vector<int64_t>& widths);

// The model part of a resolved config (from the /meta config of the checkpoint at `checkpoint`,
// which errors name).
ModelConfig model_config_from_text(const std::string& resolved_text, const std::string& checkpoint);

}  // namespace latent
