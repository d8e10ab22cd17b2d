#pragma once
// What a signal does to a running command. SIGINT and SIGTERM (Ctrl-C, kill, Slurm at a time
// limit) never leave partial files behind; `latent train` instead stops at the next step
// boundary, writes its checkpoint and says how to resume (SIGUSR1 too: Slurm's
// `--signal=B:USR1@60`). A second signal ends the process at once (the same one repeated within
// a second counts once: `timeout` and schedulers signal both the process and its group).
#include <csignal>

namespace latent {

// Every command: partial files removed, then the signal's default action (the exit status says
// which signal).
void remove_partial_files_on_signals();

// `latent train`: SIGINT, SIGTERM and SIGUSR1 set the flag returned here (the signal's number)
// instead; the trainer polls it between steps.
const volatile std::sig_atomic_t* request_stop_on_signals();

}  // namespace latent
