#!/usr/bin/env bash
# `mpirun -np 2 latent train` end to end: the same model as one rank with the doubled batch,
# a failing rank ends the whole job with its message, and a killed rank never leaves a hang.
# Usage: mpi_cli_test.sh LATENT_BINARY DATA_DIR
set -euo pipefail
latent="$1"
data_dir="$2"
export OMP_NUM_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }

"$latent" convert --from mnist-json "$data_dir/mnist-json" --out mnist.h5 >/dev/null
# SGD: Adam's 1/√v turns rounding noise on ~0 gradients into ±lr steps (see mpi_equivalence.cpp).
common="train --data mnist.h5 --model vae --hidden 64 --latent 8 --threads 1 --optimizer sgd --lr 0.01"
"$latent" $common --max-steps 15 --batch 64 --out one >/dev/null
mpirun -np 2 --oversubscribe "$latent" $common --max-steps 15 --batch 32 --out two >/dev/null
# Parameters reach ~0.5: an absolute 5e-6 is 1e-5 relative to their scale (1e-6 measured).
h5diff --delta=5e-6 one/checkpoint.h5 two/checkpoint.h5 /params /params ||
  fail "2 ranks x 32 differ from 1 rank x 64"
echo "ok: 2 ranks x 32 == 1 rank x 64 (parameters within 5e-6)"
# Every rank updating all parameters (no sharded optimizer) trains the same model, bit for bit,
# and the checkpoints hold the same optimizer state: the update rounds the same wherever a
# rank's shard begins (runtime/cpu/optim_updates.cpp).
mpirun -np 2 --oversubscribe "$latent" $common --max-steps 15 --batch 32 --shard-optimizer false \
  --out unsharded >/dev/null
h5diff --delta=0 two/checkpoint.h5 unsharded/checkpoint.h5 /params /params ||
  fail "sharded and unsharded optimizers differ"
h5diff --delta=0 two/checkpoint.h5 unsharded/checkpoint.h5 /optim /optim ||
  fail "sharded and unsharded optimizer state differ"
echo "ok: the sharded optimizer equals every rank updating everything (bit for bit)"

# Resume under mpirun continues exactly like the uninterrupted 2-rank run; the checkpoint holds
# the seed, the model and the global batch, so the resuming command needs none of them. Resumed
# on one rank (batch 64 = the global batch), it trains the same model up to float rounding.
mpirun -np 2 --oversubscribe "$latent" $common --batch 32 --max-steps 8 --out split >/dev/null
mpirun -np 2 --oversubscribe "$latent" train --resume split/checkpoint.h5 --max-steps 15 \
  --out split >/dev/null || fail "resume under mpirun failed"
h5diff --delta=0 two/checkpoint.h5 split/checkpoint.h5 /params /params ||
  fail "2-rank resume differs from the uninterrupted 2-rank run"
h5diff --delta=0 two/checkpoint.h5 split/checkpoint.h5 /optim /optim ||
  fail "2-rank resume: optimizer state differs"
"$latent" train --resume split/checkpoint.h5 --max-steps 20 --out one_more >/dev/null
mpirun -np 2 --oversubscribe "$latent" train --resume split/checkpoint.h5 --max-steps 20 \
  --out two_more >/dev/null
h5diff --delta=5e-6 one_more/checkpoint.h5 two_more/checkpoint.h5 /params /params ||
  fail "a 2-rank checkpoint resumed on 1 rank differs from resuming on 2"
echo "ok: resume under mpirun is exact; 2 ranks resumed on 1 train the same model"

# Validation on 7 samples with 2 ranks x 3: the last step has one sample, so one rank has none.
python3 - <<'PY' 2>/dev/null || awk 'BEGIN{srand(1); for(i=0;i<7;i++){l=""; for(j=0;j<784;j++) l=l (j?",":"") rand(); print l}}' > seven.csv
import random
random.seed(1)
with open("seven.csv", "w") as f:
    for _ in range(7): f.write(",".join(str(random.random()) for _ in range(784)) + "\n")
PY
"$latent" convert --from csv seven.csv --out seven.h5 >/dev/null
mpirun -np 2 --oversubscribe "$latent" $common --max-steps 15 --batch 3 --val-data seven.h5 \
  --out uneven >/dev/null || fail "validation with an empty last share failed"
grep -q '"split":"val"' uneven/metrics.jsonl || fail "no validation row"
echo "ok: validation where one rank's last share is empty"

# A bad input on every rank: one clear line per rank, non-zero status, no hang.
if out=$(timeout 60 mpirun -np 2 --oversubscribe "$latent" train --data missing.h5 --out bad 2>&1); then
  fail "a missing data file did not fail"
fi
echo "$out" | grep -q "latent: rank [01]: .*missing.h5" || fail "no rank-tagged message: $out"
echo "ok: a failing rank ends the job with its message"

# Rank 1 dies outright (SIGKILL) before it reaches MPI: mpirun must end the job, not wait.
status=0
timeout 60 mpirun -np 2 --oversubscribe bash -c \
  'if [ "$OMPI_COMM_WORLD_RANK" = 1 ]; then kill -9 $$; fi; exec "$0" "$@"' \
  "$latent" $common --batch 32 --max-steps 1000 --out killed >/dev/null 2>&1 || status=$?
[ "$status" -ne 0 ] || fail "the job survived a killed rank"
[ "$status" -ne 124 ] || fail "the job hung after a rank was killed"
echo "ok: a killed rank ends the job (status $status)"

# Rank 1 dies in the middle of training, inside the gradient allreduces (every step has them):
# rank 0 is left in a collective, and mpirun must still end the job, not hang.
rm -f pid.*
timeout 120 mpirun -np 2 --oversubscribe bash -c 'echo $$ > pid.$OMPI_COMM_WORLD_RANK; exec "$0" "$@"' \
  "$latent" $common --batch 32 --max-steps 1000000 --log-every 1 --out midway >/dev/null 2>&1 &
job=$!
for _ in $(seq 300); do
  [ -f pid.1 ] && [ "$(wc -l < midway/metrics.jsonl 2>/dev/null || echo 0)" -ge 20 ] && break
  sleep 0.1
done
[ -f pid.1 ] && [ "$(wc -l < midway/metrics.jsonl)" -ge 20 ] || fail "training did not start"
killed_at=$(date +%s)
kill -9 "$(cat pid.1)"
status=0
wait "$job" || status=$?
[ "$status" -ne 0 ] || fail "the job survived a rank killed mid-training"
[ "$status" -ne 124 ] || fail "the job hung after a rank was killed mid-training"
echo "ok: a rank killed mid-training ends the job in $(( $(date +%s) - killed_at )) s (status $status)"
echo "1 passed, 0 failed"
