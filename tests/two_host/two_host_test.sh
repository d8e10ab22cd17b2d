#!/usr/bin/env bash
# A real second host, on one machine: two network namespaces joined by a veth pair, OpenMPI
# across them over TCP (mpirun in the first, the remote orted started in the second by an rsh
# agent, netns_rsh.sh). Shows that `latent train` on 2 hosts trains the same model as on 1 host,
# that its node-shared memory path does not reach across hosts, and that killing the remote
# rank ends the whole job promptly.
# Usage: two_host_test.sh [LATENT_BINARY [DATA_DIR]]  (default: $LATENT_BIN, $LATENT_DATA_DIR)
# TWO_HOST_KEEP=1 keeps the work folder (run folders, logs).
# Exit status 77: skipped, network namespaces cannot be made here (needs root and iproute2).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
latent_bin=${1:-${LATENT_BIN:?two_host_test.sh: give the latent binary or set LATENT_BIN}}
data_dir=${2:-${LATENT_DATA_DIR:?two_host_test.sh: give the data folder or set LATENT_DATA_DIR}}
export OMP_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
started=$(date +%s.%N)
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
# Quiet unless it fails (OpenMPI 4.1 may warn of a harmless setpgid race with the agent).
quiet() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 || { cat "$log"; fail "$*"; }
}
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

command -v ip >/dev/null || skip "no ip command (Debian package iproute2)"
# Names carry the PID so that runs side by side do not clash; addresses need not differ, each
# run's subnet lives in its own namespaces. Interface names are at most 15 characters.
ns_a=latent-2h-$$-a ns_b=latent-2h-$$-b veth_a=l2h$$a veth_b=l2h$$b
ip_a=10.77.0.1 ip_b=10.77.0.2
work=$(mktemp -d)
job=
cleanup() {
  [ -z "$job" ] || kill -9 "$job" 2>/dev/null || true
  # A failed run may leave an orted or a rank behind in a namespace: it goes with it.
  for ns in "$ns_a" "$ns_b"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true  # takes its end of the veth pair, and so the pair
  done
  if [ -n "${TWO_HOST_KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 143' TERM  # so that the EXIT trap still runs
trap 'exit 130' INT
# A run killed outright (SIGKILL, e.g. by ctest's timeout) leaves its namespaces: clear those
# whose test is gone and that are older than any run could be.
for ns in $(ip netns list 2>/dev/null | grep -o '^latent-2h-[0-9]*-[ab]'); do
  pid=${ns#latent-2h-} pid=${pid%-?}
  if ! kill -0 "$pid" 2>/dev/null && [ -n "$(find "/run/netns/$ns" -mmin +10 2>/dev/null)" ]; then
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  fi
done

err=$(ip netns add "$ns_a" 2>&1) || skip "cannot create network namespaces here: $err"
err=$(ip netns add "$ns_b" 2>&1) || skip "cannot create network namespaces here: $err"
err=$(ip link add "$veth_a" netns "$ns_a" type veth peer name "$veth_b" netns "$ns_b" 2>&1) ||
  skip "cannot create a veth pair here: $err"
ip -n "$ns_a" addr add "$ip_a/24" dev "$veth_a"
ip -n "$ns_b" addr add "$ip_b/24" dev "$veth_b"
# Loopback too, as on a real host: without it mpirun hangs (a rank reaches its local daemon
# through it, whatever the *_if_include say).
ip -n "$ns_a" link set lo up
ip -n "$ns_b" link set lo up
ip -n "$ns_a" link set "$veth_a" up
ip -n "$ns_b" link set "$veth_b" up

cd "$work"
# Our own copy: the build folder's binary may be rebuilt while the test runs.
cp "$latent_bin" latent
"./latent" convert --from mnist-json "$data_dir/mnist-json" --out mnist.h5 >/dev/null
printf '%s slots=1\n' "$ip_a" "$ip_b" > hosts

# mpirun runs on host A (inside its namespace), so it starts rank 0 itself and reaches host B
# through the agent. Every orted is started by mpirun (no tree spawn: an orted's bare login
# environment has no TWO_HOST_MAP to find the other namespace). Ranks talk TCP over the veth
# only; the agent's login is bare, so OMP_NUM_THREADS travels with -x. Both "hosts" see all
# CPUs: binding would put both ranks on CPU 0. No --prefix: Debian's orted is on the PATH.
# A hung mpirun shrugs off one SIGTERM, hence timeout's -k.
export TWO_HOST_MAP="$ip_a=$ns_a $ip_b=$ns_b"
# shellcheck disable=SC2054  # "tcp,self" is one word
two_hosts=(timeout -k 5 60 ip netns exec "$ns_a" mpirun --hostfile hosts -np 2 --bind-to none
  --mca plm_rsh_agent "$here/netns_rsh.sh" --mca plm_rsh_no_tree_spawn 1
  --mca btl tcp,self --mca btl_tcp_if_include 10.77.0.0/24 --mca oob_tcp_if_include 10.77.0.0/24
  -x OMP_NUM_THREADS)
one_host=(timeout -k 5 60 mpirun -np 2 --oversubscribe)

# shellcheck disable=SC2016  # expanded by each rank
quiet where.log "${two_hosts[@]}" \
  sh -c 'echo "$OMPI_COMM_WORLD_RANK $(ip -o -4 addr show scope global)"'
where=$(grep '^[01] ' where.log | sort | awk '{print $5}' | paste -sd' ')
[ "$where" = "$ip_a/24 $ip_b/24" ] || fail "ranks 0 and 1 ran on '$where', not on $ip_a and $ip_b"
echo "ok: rank 0 on host $ip_a, rank 1 on host $ip_b ($(since "$started") s so far)"

train=(./latent train --data mnist.h5 --model vae --hidden 32 --latent 4 --threads 1 --seed 3)
quiet one.log "${one_host[@]}" "${train[@]}" --max-steps 20 --out one
quiet one_mpi.log "${one_host[@]}" "${train[@]}" --max-steps 20 --node-shared false --out one_mpi
quiet one_whole.log "${one_host[@]}" "${train[@]}" --max-steps 20 --node-shared false \
  --shard-optimizer false --out one_whole
quiet two.log "${two_hosts[@]}" "${train[@]}" --max-steps 20 --out two
quiet two_mpi.log "${two_hosts[@]}" "${train[@]}" --max-steps 20 --node-shared false --out two_mpi

# Bit for bit: parameters, optimizer state and random streams, and the rest of what `latent
# info` shows (step, epoch, world size) but the config, which holds the command's own options.
same() {
  local g
  for g in /params /optim /rng; do
    h5diff -q "$1/checkpoint.h5" "$2/checkpoint.h5" "$g" "$g" || return 1
  done
  diff <(./latent info "$1/checkpoint.h5" | sed '1d; /@config/d') \
    <(./latent info "$2/checkpoint.h5" | sed '1d; /@config/d')
}
same one_mpi two_mpi || fail "with MPI collectives (--node-shared false) 2 hosts differ from 1 host"
same one one_mpi || fail "on 1 host --node-shared true and false differ"
echo "ok: 2 hosts == 1 host bit for bit with --node-shared false (and 1 host node-shared == MPI)"

# Node-shared memory holds one rank per host here, so each rank updates the whole parameter
# buffer after an MPI allreduce: exactly 1 host with every rank updating everything. Had the
# ranks shared memory across the hosts, `two` would equal `one` instead.
same one_whole two ||
  fail "2 hosts (node-shared) differ from 1 host with --node-shared false --shard-optimizer false"
echo "ok: 2 hosts with node-shared memory == 1 host updating everything over MPI, bit for bit"
# Against the 1-host default (each rank updating half of the buffer) the sums are the same, but
# the update rounds differently where a slice ends (the vector loop's remainder), and Adam
# carries those last-bit differences along: ~1e-7 after 20 steps.
diffs=$({ h5diff -v one/checkpoint.h5 two/checkpoint.h5 /params /params || true; } |
  awk '/^\[/ { d = $NF < 0 ? -$NF : $NF; n++; if (d > m) m = d } END { printf "%d %g", n, m }')
h5diff -q --delta=1e-6 one/checkpoint.h5 two/checkpoint.h5 /params /params ||
  fail "2 hosts (node-shared) differ from 1 host (node-shared) by more than 1e-6: $diffs"
read -r n max <<<"$diffs"
total=$(h5ls -r one/checkpoint.h5/params | awk -F'[{}]' '/Dataset/ { split($2, d, ", ");
  p = 1; for (i in d) p *= d[i]; t += p } END { print t }')
echo "ok: 2 hosts vs 1 host, both node-shared: $n of $total parameters differ, by at most $max"

# The remote rank is killed (SIGKILL, inside host B's namespace) in the middle of training,
# while rank 0 is in the gradient allreduce: mpirun must end the job, soon and not with 0.
# It takes ~3 s, nearly all of it OpenMPI's grace between SIGTERM and SIGKILL
# (odls_base_sigkill_timeout, 1 s): 1 s for rank 0 (latent catches SIGTERM to checkpoint), 2 s
# more until the remote orted has gone; at 0 the job ends in 0.07 s. (1 host: mpi_cli_test.sh.)
"${two_hosts[@]}" "${train[@]}" --max-steps 1000000 --log-every 1 --out killed >killed.log 2>&1 &
job=$!
victim=
for _ in $(seq 300); do
  for pid in $(ip netns pids "$ns_b"); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = latent ] && victim=$pid
  done
  [ -n "$victim" ] && [ "$(wc -l 2>/dev/null <killed/metrics.jsonl || echo 0)" -ge 20 ] && break
  sleep 0.1
done
[ -n "$victim" ] || fail "training did not start"
[ "$(wc -l <killed/metrics.jsonl)" -ge 20 ] || fail "training did not start"
tr '\0' '\n' <"/proc/$victim/environ" | grep -qx OMPI_COMM_WORLD_RANK=1 ||
  fail "the latent process in $ns_b is not rank 1"
killed_at=$(date +%s.%N)
kill -9 "$victim"
status=0
wait "$job" || status=$?
job=
took=$(since "$killed_at")
[ "$status" -ne 0 ] || fail "the job survived its remote rank killed"
[ "$status" -ne 124 ] || fail "the job hung after its remote rank was killed"
awk -v t="$took" 'BEGIN { exit !(t < 30) }' || fail "the job took $took s to end (limit 30 s)"
for _ in $(seq 50); do [ -z "$(ip netns pids "$ns_b")" ] && break; sleep 0.1; done
[ -z "$(ip netns pids "$ns_b")" ] || fail "processes left on host B: $(ip netns pids "$ns_b")"
echo "ok: the remote rank killed mid-training ends the job in $took s (status $status)," \
  "nothing left on host B; mpirun said:"
grep -m1 "mpirun noticed" killed.log | sed 's/^/  /' || true
echo "1 passed, 0 failed ($(since "$started") s)"
