#!/usr/bin/env bash
# Builds and tests latent under sanitizers, in its own build folder (-O1 -g1):
#   scripts/sanitize.sh address   ASan + UBSan in build-asan/ (GCC): the whole ctest suite
#   scripts/sanitize.sh thread    TSan in build-tsan/ (clang): the prefetching reader's tests
# Any sanitizer report fails the run. Only noise from libraries we do not build (OpenMPI, HDF5,
# oneDNN, libgomp) is suppressed, by scripts/sanitizers/*.supp, each entry with its reason.
# Environment: SANITIZE_JOBS (build parallelism, default 1; ctest runs `nproc` tests at once).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mode="${1:-}"
supp="$root/scripts/sanitizers"
case "$mode" in
  address)
    build="$root/build-asan"
    # abort_on_error: a report kills the process with SIGABRT, so a test that expects a plain
    # failure exit (1) cannot mistake a sanitizer report for it.
    export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1"
    export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS="abort_on_error=1:halt_on_error=1:print_stacktrace=1:suppressions=$supp/ubsan.supp"
    ;;
  thread)
    build="$root/build-tsan"
    # ignore_noninstrumented_modules: no reports from inside libraries built without TSan
    # (libomp, libgomp, oneDNN, HDF5), which it cannot see synchronise; latent's code is all
    # instrumented and fully checked.
    export TSAN_OPTIONS="halt_on_error=1:abort_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:suppressions=$supp/tsan.supp"
    ;;
  *)
    echo "usage: scripts/sanitize.sh address|thread" >&2
    exit 2
    ;;
esac

# The options above are exported before the build: gtest_discover_tests runs the test
# binaries (instrumented) while building.
# TSan builds with clang: GCC's target_clones (runtime/vector_clones.hpp) become ifunc
# resolvers that run, instrumented, before the TSan runtime is up, and crash at load.
compiler=()
[ "$mode" = thread ] && compiler=(-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++)
cmake -S . -B "$build" "${compiler[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DLATENT_SANITIZE="$mode" -DLATENT_CUDA=OFF \
  -DLATENT_BUILD_BENCH=OFF >/dev/null
# One oneDNN thread per test process (as scripts/test.sh); it also keeps libgomp, which TSan
# cannot see into, from starting threads of its own.
export OMP_NUM_THREADS=1
start=$(date +%s)
if [ "$mode" = address ]; then
  nice -n 19 cmake --build "$build" -j"${SANITIZE_JOBS:-1}"
  cd "$build"
  # Processes started by mpirun (the MPI tests, `mpirun latent` in the CLI tests) run without
  # leak checking: OpenMPI dlcloses its components before exit, so its leaks' stacks end in
  # "<unknown module>" frames that no suppression can name. Memory errors still abort them.
  export OMPI_MCA_mca_base_env_list="ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0"
  # Slurm.Cluster and Mpi.TwoHost test launchers (srun, an rsh agent passing -x), which this
  # environment list conflicts with; the latent code they run is what Mpi.Cli runs here.
  nice -n 19 ctest --output-on-failure -j"$(nproc)" --timeout 1200 -LE "slurm|two_host"
else
  nice -n 19 cmake --build "$build" --target io_tests -j"${SANITIZE_JOBS:-1}"
  # The prefetching reader: its own tests, the holdout split and validation (which stream
  # through it), and read_all.
  nice -n 19 "$build/tests/io_tests" \
    --gtest_filter='IoStreaming*:HoldoutSplit*:IoValidation*:IoReadAll*' --gtest_repeat=5
fi
echo "sanitize $mode: passed in $(($(date +%s) - start)) s"
