#pragma once
// The GPU's side of pending op results (runtime/scalar.hpp): blocks of doubles that reductions
// write their totals into, and the one transfer that brings them to the host.
namespace latent::cuda {

// `count` doubles of device memory, kept for the life of the process.
double* pending_storage(int count);
// Queues the copy of `count` values to `host` on the stream (does not wait).
void download_pending(const double* device_values, double* host, int count);
// Waits for the stream: every queued download has landed.
void wait_for_pending();

}  // namespace latent::cuda
