#!/usr/bin/env bash
# Installs latent into PREFIX (cmake --install), checks what is there, then runs the installed
# program from a copy of the prefix in another place, with the build and source folders hidden
# (a mount namespace with empty file systems over them): `latent --version`, converting the
# MNIST digits, a short training from the installed example config (one process, then two MPI
# ranks), and the version line in the run's config.ini and checkpoint. About 15 s.
#   prefix_test.sh BUILD_DIR SOURCE_DIR PREFIX VERSION    (LATENT_DATA_DIR: the digits' folder)
set -euo pipefail
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd) prefix=$3 version=$4
data=${LATENT_DATA_DIR:-$src/data}
fail() { echo "prefix_test: $*" >&2; exit 1; }

rm -rf "$prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/latent share/latent/configs/vae.ini share/latent/configs/dcgan.ini \
  share/latent/slurm/train.sbatch "share/modulefiles/latent/$version.lua" share/doc/latent/README.md \
  lib/liblatent_runtime.a lib/liblatent_models.a lib/liblatent_launch.a \
  lib/cmake/latent/latentConfig.cmake lib/cmake/latent/latentConfigVersion.cmake \
  lib/cmake/latent/latentTargets.cmake include/latent/models/model_kinds.hpp \
  include/latent/runtime/build_info.hpp include/latent/io/checkpoint_reader.hpp; do
  [ -e "$prefix/$f" ] || fail "cmake --install left no $prefix/$f"
done
[ -x "$prefix/share/latent/slurm/train.sbatch" ] || fail "train.sbatch is not executable"
echo "prefix_test: installed into $prefix: $(cd "$prefix" && find . -type f | wc -l) files"

tmp=$(mktemp -d /tmp/latent-prefix-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp -a "$prefix" "$tmp/moved"
cp -r "$data/mnist-json" "$tmp/mnist-json"
runpath=$(readelf -d "$tmp/moved/bin/latent" | sed -n 's/.*R\(UN\)\{0,1\}PATH.*\[\(.*\)\]/\2/p')
echo "prefix_test: RUNPATH of the installed latent: ${runpath:-(none)}"
case ":$runpath:" in
  *"$build"* | *"$src"*) fail "the installed program's RUNPATH names the build or source folder" ;;
esac

cat >"$tmp/run.sh" <<RUN
set -euo pipefail
cd "$tmp"
if [ -n "\${HIDDEN:-}" ] && [ -e "$build/CMakeCache.txt" ]; then
  echo "prefix_test: the build folder is still visible" >&2; exit 1
fi
L="$tmp/moved/bin/latent"
line=\$("\$L" --version)
echo "prefix_test: \$line"
case "\$line" in "latent $version (commit "*", "*"), oneDNN "*" ("*"), "*" (MPI "*"), "*) ;;
  *) echo "prefix_test: unexpected version line" >&2; exit 1 ;;
esac
[ "\$("\$L" version)" = "\$line" ]
"\$L" convert --from mnist-json mnist-json --out mnist.h5 >/dev/null
"\$L" train --config moved/share/latent/configs/vae.ini --data mnist.h5 --max-steps 20 \
  --threads 1 --out run >/dev/null
[ "\$(head -n 1 run/config.ini)" = "# \$line" ] || { echo "config.ini starts with: \$(head -n 1 run/config.ini)" >&2; exit 1; }
grep -q "^model = vae\$" run/config.ini
if command -v h5dump >/dev/null; then
  h5dump -a /meta/latent_version run/checkpoint.h5 | grep -qF "\$line" ||
    { echo "prefix_test: no /meta/latent_version \$line in the checkpoint" >&2; exit 1; }
fi
"\$L" eval --checkpoint run/checkpoint.h5 --data mnist.h5 | grep -q '"loss"'
if command -v mpirun >/dev/null; then
  mpirun -np 2 --oversubscribe "\$L" train --config moved/share/latent/configs/vae.ini \
    --data mnist.h5 --max-steps 10 --batch 64 --threads 1 --out run2 >/dev/null
  [ "\$(head -n 1 run2/config.ini)" = "# \$line" ]
fi
echo "prefix_test: trained from the installed copy (one process and two MPI ranks)"
RUN

# The build folder may lie inside the source folder: hide it first.
if unshare --mount --propagation private true 2>/dev/null; then
  HIDDEN=1 unshare --mount --propagation private bash -c \
    "mount -t tmpfs latent-hidden '$build' && mount -t tmpfs latent-hidden '$src' && bash '$tmp/run.sh'"
  echo "prefix_test: ran with $build and $src hidden"
else
  echo "prefix_test: no mount namespace here (unshare needs root): ran with the build folder in place"
  bash "$tmp/run.sh"
fi
