#!/usr/bin/env bash
# Installs latent's Debian package on a bare Debian 12 and trains from it: a minimal root made by
# mmdebstrap from this machine's apt sources (as ../shared/fresh-machine.sh makes one), where
# `apt-get install ./latent_*.deb` must pull in everything the program needs. Then, inside:
# `latent --version`, the MNIST digits converted, the demo's training (scripts/demo.sh: the VAE
# of /usr/share/latent/configs/vae.ini on two MPI ranks, 20% held out), its loss curves
# (gnuplot-nox, a Recommends), and `module load latent` under Lmod. Run as root; needs the
# Debian mirror; about 3 minutes on 2 cores.
#   scripts/deb_on_bare_debian.sh PACKAGE.deb [MNIST_JSON_DIR] [TRAIN_OPTION...]
#     PACKAGE.deb      made by `cpack -G DEB` in a build without CUDA (a CUDA build's package,
#                      latent-cuda, needs NVIDIA's libraries, which Debian does not have)
#     MNIST_JSON_DIR   the digits scripts/fetch_mnist.sh fetches (default: data/mnist-json)
#     TRAIN_OPTION     more `latent train` options, e.g. --epochs 1
# Keeps the root in $BARE_ROOT (default: a new temp folder) and prints its path.
set -uo pipefail
deb=$(readlink -f "${1:?usage: scripts/deb_on_bare_debian.sh PACKAGE.deb [MNIST_JSON_DIR]}")
root_dir="$(cd "$(dirname "$0")/.." && pwd)"
digits=$(readlink -f "${2:-$root_dir/data/mnist-json}")
shift 2 2>/dev/null || shift $#
train_options="$*"
[ "$(id -u)" -eq 0 ] || { echo "deb_on_bare_debian: run as root (mmdebstrap, chroot)" >&2; exit 2; }
[ "$(dpkg-deb -f "$deb" Package)" = latent ] ||
  { echo "deb_on_bare_debian: $deb is $(dpkg-deb -f "$deb" Package), not latent" >&2; exit 2; }
[ -f "$digits/9.json" ] || { echo "deb_on_bare_debian: no MNIST digits in $digits (scripts/fetch_mnist.sh)" >&2; exit 2; }
command -v mmdebstrap >/dev/null || apt-get install -y -qq mmdebstrap >/dev/null || exit 2
root=${BARE_ROOT:-$(mktemp -d /tmp/bare-debian.XXXXXX)}
sources=/etc/apt/sources.list.d/debian.sources
[ -f "$sources" ] || sources=/etc/apt/sources.list
start=$(date +%s)
if [ ! -x "$root/bin/bash" ]; then
  echo "deb_on_bare_debian: making a minimal Debian 12 root in $root"
  mmdebstrap --variant=minbase --include=ca-certificates bookworm "$root" "$sources" \
    >"$root.mmdebstrap.log" 2>&1 ||
    { echo "deb_on_bare_debian: mmdebstrap failed, see $root.mmdebstrap.log" >&2; exit 2; }
fi
echo "deb_on_bare_debian: root ready after $(($(date +%s) - start)) s"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null 2>&1
fi
rm -rf "$root/work" && mkdir -p "$root/work"
cp "$deb" "$root/work/" && cp -r "$digits" "$root/work/mnist-json"
for m in proc sys dev dev/pts dev/shm; do
  mountpoint -q "$root/$m" || mount --bind "/$m" "$root/$m"
done
cleanup() { for m in dev/shm dev/pts dev sys proc; do umount -l "$root/$m" 2>/dev/null; done; }
trap cleanup EXIT

chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive OMPI_ALLOW_RUN_AS_ROOT=1 \
  OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 TRAIN_OPTIONS="$train_options" DEB="${deb##*/}" bash -c '
set -euo pipefail
cd /work
t() { date +%s; }
for c in latent mpirun h5dump c++; do
  ! command -v $c >/dev/null || { echo "deb_on_bare_debian: not a bare root: $c is there"; exit 1; }
done
before=$(dpkg-query -W | wc -l)
s=$(t); apt-get update -qq
apt-get install -y -qq "./$DEB" >apt.log 2>&1 || { tail -n 30 apt.log; exit 1; }
echo "deb_on_bare_debian: apt-get install ./$DEB: $(($(dpkg-query -W | wc -l) - before)) packages in $(($(t) - s)) s"
grep -E "^(Package|Version|Depends|Recommends):" <(dpkg -s latent)
echo "deb_on_bare_debian: $(latent --version)"
s=$(t); latent convert --from mnist-json mnist-json --out mnist.h5
echo "deb_on_bare_debian: converted in $(($(t) - s)) s"
s=$(t)
mpirun -np 2 latent train --config /usr/share/latent/configs/vae.ini --data mnist.h5 --val-fraction 0.2 \
  --out runs/demo --batch 64 --threads 1 $TRAIN_OPTIONS >train.log 2>&1 || { tail -n 30 train.log; exit 1; }
echo "deb_on_bare_debian: trained the demo VAE on 2 ranks in $(($(t) - s)) s; last validation row:"
grep "\"split\":\"val\"" runs/demo/metrics.jsonl | tail -n 1
head -n 1 runs/demo/config.ini
latent eval --checkpoint runs/demo/checkpoint.h5 --data mnist.h5
latent plot --run runs/demo && ls -l runs/demo/losses.png
latent generate --checkpoint runs/demo/checkpoint.h5 --n 64 --out g.h5 --png g.png >/dev/null && ls -l g.png
s=$(t); apt-get install -y -qq --no-install-recommends lmod >lmod.log 2>&1 || { tail lmod.log; exit 1; }
echo "deb_on_bare_debian: lmod installed in $(($(t) - s)) s"
bash -c "source /usr/share/lmod/lmod/init/bash && module use /usr/share/modulefiles && module load latent && echo \"deb_on_bare_debian: module load latent: LATENT_HOME=\$LATENT_HOME LATENT_VERSION=\$LATENT_VERSION latent at \$(command -v latent)\" && module list 2>&1 | grep latent"
'
rc=$?
echo "deb_on_bare_debian: exit status $rc after $(($(date +%s) - start)) s (root kept in $root)"
exit $rc
