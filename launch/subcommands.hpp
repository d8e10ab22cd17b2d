#pragma once
// The `latent` program's subcommands. Each takes the arguments after `latent`
// (argv[0] is the subcommand's name), returns the exit status, and throws UserError for bad
// input (main prints it).

int cmd_convert(int argc, char** argv);
int cmd_info(int argc, char** argv);
int cmd_train(int argc, char** argv);
int cmd_eval(int argc, char** argv);
int cmd_encode(int argc, char** argv);
int cmd_decode(int argc, char** argv);
int cmd_reconstruct(int argc, char** argv);
int cmd_denoise(int argc, char** argv);
int cmd_anomaly(int argc, char** argv);
int cmd_generate(int argc, char** argv);
int cmd_interpolate(int argc, char** argv);
int cmd_plot_latent(int argc, char** argv);
int cmd_plot(int argc, char** argv);
int cmd_score(int argc, char** argv);
int cmd_classify(int argc, char** argv);
int cmd_subset(int argc, char** argv);
