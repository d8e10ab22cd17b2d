#pragma once
// Process-wide HDF5 settings (the HDF5 headers stay inside io/).
namespace latent {

// Keeps HDF5 from closing still-open files at exit. Every file latent writes is closed (or
// abandoned as a temporary) explicitly; what HDF5's own shutdown would do to a file whose write
// failed (a full disk) is crash. Call first thing in main, before any other HDF5 use.
void skip_hdf5_shutdown_at_exit() noexcept;

}  // namespace latent
