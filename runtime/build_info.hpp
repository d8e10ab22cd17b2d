#pragma once
// What a bug report needs to know about this build of latent, in one line: `latent --version`
// prints it, every run folder's config.ini starts with it and every checkpoint keeps it (/meta
// latent_version). Each library's part comes from the one folder allowed to include that
// library's headers.
#include <string>

namespace latent {

// "latent 0.1.0 (commit 47f99df1a2b3, Release), oneDNN 2.6.3 (avx2), Open MPI v4.1.4 (MPI 3.1),
// CPU only" (or "CUDA 13.0 (driver 12.8), cuDNN 9.10.2, NCCL 2.27.7" at the end).
std::string version_line();

// "0.1.0", from project(VERSION) in CMakeLists.txt.
std::string latent_version();
// The commit the program was built from ("47f99df1a2b3", "-dirty" when the tracked files had
// changes, "unknown" outside git), captured when it was built.
std::string latent_commit();

// runtime/cpu/onednn_info.cpp: "oneDNN 2.6.3 (avx2)": the library's version and the instruction
// set its kernels dispatch to on this machine (DNNL_MAX_CPU_ISA lowers it).
std::string onednn_info();
// Why oneDNN has no native bf16 kernels here ("" when it has: the effective instruction set is
// avx512_core_bf16 or AMX; DNNL_MAX_CPU_ISA below them counts as missing).
std::string onednn_bf16_missing();
// runtime/mpi_library_version.cpp: "Open MPI v4.1.4 (MPI 3.1)": the MPI library the program
// runs with. Callable before MPI_Init.
std::string mpi_library_info();
// runtime/cuda/cuda_info.cpp (CUDA builds only): "CUDA 13.0 (driver 12.8), cuDNN 9.10.2,
// NCCL 2.27.7": the libraries loaded, and the driver's CUDA version ("no driver" without one).
std::string cuda_info();

}  // namespace latent
