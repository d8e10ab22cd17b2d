#!/usr/bin/env bash
# The Debian packages `cpack -G DEB` makes from the build: latent (latent-cuda from a CUDA
# build) and latent-dev. Checks their names, versions and contents, that every shared library
# the program is linked with comes from a Debian package its Depends names (a CUDA build's
# NVIDIA libraries and a sanitizer build's runtimes excepted), and runs the packaged program. The
# install itself on a bare Debian 12 is scripts/deb_on_bare_debian.sh. Skipped (exit 77)
# without dpkg. About 20 s.
#   deb_test.sh CPACK BUILD_DIR VERSION CUDA(ON|OFF) [SANITIZE(address|thread)]
set -euo pipefail
cpack=$1 build=$(cd "$2" && pwd) version=$3 cuda=$4 sanitize=${5:-}
fail() { echo "deb_test: $*" >&2; exit 1; }
if ! command -v dpkg-deb >/dev/null || ! command -v dpkg >/dev/null; then
  echo "deb_test: skipped: no dpkg-deb (not a Debian system)"
  exit 77
fi
tmp=$(mktemp -d /tmp/latent-deb-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1 ||
  { cat "$tmp/cpack.log"; fail "cpack -G DEB failed"; }
name=latent
[ "$cuda" = ON ] && name=latent-cuda
arch=$(dpkg --print-architecture)
deb="$tmp/out/${name}_${version}_$arch.deb"
dev="$tmp/out/latent-dev_${version}_$arch.deb"
[ -f "$deb" ] && [ -f "$dev" ] || fail "expected ${deb##*/} and ${dev##*/}; cpack made: $(ls "$tmp/out")"
echo "deb_test: made ${deb##*/} ($(du -k "$deb" | cut -f1) kB), ${dev##*/} ($(du -k "$dev" | cut -f1) kB)"

field() { dpkg-deb -f "$1" "$2"; }
[ "$(field "$deb" Package)" = "$name" ] && [ "$(field "$deb" Version)" = "$version" ] ||
  fail "package $(field "$deb" Package) $(field "$deb" Version)"
depends=$(field "$deb" Depends)
echo "deb_test: Depends: $depends"
echo "deb_test: Recommends: $(field "$deb" Recommends); Suggests: $(field "$deb" Suggests)"
declared() { case ", $depends," in *", $1,"* | *", $1 ("*) return 0 ;; esac; return 1; }
for p in libopenmpi3 openmpi-bin libhdf5-103-1 libdnnl2 libboost-program-options1.74.0 \
  libpng16-16 zlib1g libgomp1; do
  declared "$p" || fail "Depends does not name $p"
done
case "$(field "$deb" Recommends)" in *gnuplot-nox*) ;; *) fail "gnuplot-nox not recommended" ;; esac
case "$(field "$dev" Depends)" in "$name (= $version)"*) ;; *) fail "latent-dev depends on $(field "$dev" Depends)" ;; esac

dpkg-deb -c "$deb" | awk '{print $NF}' >"$tmp/files"
dpkg-deb -c "$dev" | awk '{print $NF}' >"$tmp/dev-files"
for f in ./usr/bin/latent ./usr/share/latent/configs/vae.ini ./usr/share/latent/slurm/train.sbatch \
  "./usr/share/modulefiles/latent/$version.lua" ./usr/share/doc/latent/README.md; do
  grep -qxF "$f" "$tmp/files" || fail "${deb##*/} holds no $f"
done
for f in ./usr/lib/cmake/latent/latentConfig.cmake ./usr/lib/liblatent_models.a \
  ./usr/include/latent/models/model_kinds.hpp; do
  grep -qxF "$f" "$tmp/dev-files" || fail "${dev##*/} holds no $f"
done
! grep -q "include/" "$tmp/files" || fail "${deb##*/} holds headers"

# Every library the program needs comes from a package that Depends names.
dpkg-deb -x "$deb" "$tmp/root"
bin="$tmp/root/usr/bin/latent"
owner() {  # the package of a library file; Debian 12 lists some under /lib, some under /usr/lib
  local f
  for f in "$1" "$(readlink -f "$1")"; do
    for g in "$f" "${f#/usr}" "/usr$f"; do
      dpkg -S "$g" 2>/dev/null | head -n 1 | cut -d: -f1 && return 0
    done
  done
  return 0
}
for soname in $(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
  path=$(ldd "$bin" | awk -v l="$soname" '$1 == l {print $3}')
  [ -n "$path" ] && [ "$path" != "not" ] || fail "$soname is not found by the loader"
  pkg=$(owner "$path")
  if [ -z "$pkg" ]; then
    case "$cuda:$soname" in
      ON:libcu* | ON:libnccl* | ON:libcudnn*) echo "deb_test: $soname ($path): NVIDIA's, not declared"; continue ;;
    esac
  fi
  if [ -n "$sanitize" ]; then
    case "$soname" in
      libasan* | libubsan* | libtsan*) echo "deb_test: $soname: the $sanitize sanitizer's, not declared"; continue ;;
    esac
  fi
  if [ -z "$pkg" ]; then
    fail "$soname ($path) belongs to no Debian package"
  fi
  declared "$pkg" || fail "$soname comes from $pkg, which Depends does not name"
done
echo "deb_test: every library of usr/bin/latent comes from a declared package"
line=$("$bin" --version)
case "$line" in "latent $version "*) echo "deb_test: $line" ;; *) fail "the packaged latent says: $line" ;; esac
