#pragma once
// Hot loops built for the machine they run on: GCC compiles one copy per instruction set
// (AVX-512, AVX2, plain x86-64) and picks the best at load time, so one portable binary (the
// packed GPU-host build included) still runs these loops 16 floats at a time where it can.
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__CUDACC__) && !defined(__clang__)
#define LATENT_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define LATENT_VECTOR_CLONES
#endif
