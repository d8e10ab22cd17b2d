#!/usr/bin/env bash
# The installed module file under Lmod, in a clean shell: `module use PREFIX/share/modulefiles;
# module load latent` puts latent on PATH and sets LATENT_HOME to the prefix, also for a copy
# of the prefix in another place and through a link from a site's module tree; `module unload`
# takes it all back. Skipped (exit 77) without
# Lmod (Debian's lmod package; scripts/setup.sh installs it). About 2 s.
#   lmod_test.sh PREFIX VERSION
set -euo pipefail
prefix=$(cd "$1" && pwd) version=$2
init=""
for f in /usr/share/lmod/lmod/init/bash /usr/share/lmod/*/init/bash /opt/apps/lmod/lmod/init/bash; do
  [ -f "$f" ] && { init=$f; break; }
done
if [ -z "$init" ]; then
  echo "lmod_test: skipped: Lmod is not installed (apt-get install lmod, or scripts/setup.sh)"
  exit 77
fi
tmp=$(mktemp -d /tmp/latent-lmod-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/copy" "$tmp/site/latent"
cp -a "$prefix/bin" "$prefix/share" "$tmp/copy/"
ln -s "$prefix/share/modulefiles/latent/$version.lua" "$tmp/site/latent/$version.lua"

# module path, the prefix it must find
for pair in "$prefix/share/modulefiles:$prefix" "$tmp/copy/share/modulefiles:$tmp/copy" \
  "$tmp/site:$prefix"; do
  env -i HOME="$tmp" PATH=/usr/bin:/bin USER="${USER:-root}" LMOD_ALLOW_ROOT_USE=yes \
    bash --norc --noprofile -c '
set -euo pipefail
modules=${1%%:*} p=${1#*:} version=$2
source "$3"
module use "$modules"
module avail latent 2>&1 | grep -q "latent/$version"
module load latent
[ "$(command -v latent)" = "$p/bin/latent" ] || { echo "lmod_test: latent on PATH is $(command -v latent)" >&2; exit 1; }
[ "$LATENT_HOME" = "$p" ] || { echo "lmod_test: LATENT_HOME=$LATENT_HOME, expected $p" >&2; exit 1; }
[ "$LATENT_VERSION" = "$version" ]
[ -f "$LATENT_HOME/share/latent/configs/vae.ini" ]
latent --version | grep -q "^latent $version "
module list 2>&1 | grep -q "latent/$version"
module unload latent
! command -v latent >/dev/null || { echo "lmod_test: latent still on PATH after unload" >&2; exit 1; }
[ -z "${LATENT_HOME:-}" ]
echo "lmod_test: module use $modules; module load latent: LATENT_HOME=$p ($(module --version 2>&1 | grep -o "Version [0-9.]*" | head -n 1))"
' lmod_test "$pair" "$version" "$init"
done
