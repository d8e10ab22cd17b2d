#!/bin/bash
# What a hostile but realistic user tries (issue 12), one line per case: "class | case | OK/BAD | detail".
# Usage: [L=path/to/latent] scripts/reliability_probe.sh   (as root: it mounts a small tmpfs)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
L=${L:-$ROOT/build/latent}
W=$(mktemp -d); trap 'umount $W/full 2>/dev/null; rm -rf $W' EXIT; cd $W
export OMP_NUM_THREADS=1
$L convert --from mnist-json $ROOT/data/mnist-json --out mnist.h5 >/dev/null 2>&1
T="--model vae --hidden 32 --latent 4"
TH="--threads 1"
$L train --data mnist.h5 $T $TH --max-steps 5 --out run >/dev/null 2>&1 || echo "setup train failed"
r() { echo "$1 | $2 | $3 | $4"; }
last() { tail -1 out.txt | cut -c1-150; }
# --- nothing lost
cp -a /dev/null /tmp/h/devnull_before 2>/dev/null
$L encode --checkpoint run/checkpoint.h5 --data mnist.h5 --out /dev/null > out.txt 2>&1; rc=$?
[ -c /dev/null ] && r lost "encode --out /dev/null" OK "rc=$rc $(last)" || { r lost "encode --out /dev/null" BAD "/dev/null replaced"; rm -f /dev/null; mknod -m 666 /dev/null c 1 3; }
cp run/checkpoint.h5 ck.bak
$L encode --checkpoint run/checkpoint.h5 --data mnist.h5 --out run/checkpoint.h5 > out.txt 2>&1; rc=$?
cmp -s ck.bak run/checkpoint.h5 && r lost "--out = --checkpoint" OK "rc=$rc $(last)" || { r lost "--out = --checkpoint" BAD "checkpoint overwritten rc=$rc"; cp ck.bak run/checkpoint.h5; }
$L encode --checkpoint run/checkpoint.h5 --data mnist.h5 --out real.h5 >/dev/null 2>&1; ln -sf real.h5 link.h5
$L encode --checkpoint run/checkpoint.h5 --data mnist.h5 --out link.h5 > out.txt 2>&1; rc=$?
[ -L link.h5 ] && r lost "symlink --out" OK "rc=$rc still a link" || r lost "symlink --out" BAD "link replaced by file"
( $L generate --checkpoint run/checkpoint.h5 --n 3000000 --out big.h5 > out.txt 2>&1 & echo $! > pid; wait ) & sleep 2; kill -TERM $(cat pid) 2>/dev/null; sleep 1
n=$(ls -a | grep -c '\.tmp\.\|\.part'); [ $n = 0 ] && r lost "SIGTERM during generate" OK "no temp" || r lost "SIGTERM during generate" BAD "$n temp files: $(ls -a | grep '\.tmp\.\|\.part' | head -2 | tr '\n' ' ')"
rm -f .*.tmp.* *.part
# NaN data refused at first step must not touch run folder
/usr/bin/python3 -c "
import numpy as np; a=np.full((64,1,28,28),0.5,np.float32); a[70//2,0,3,3]=np.nan; np.save('nan.npy',a)"
$L convert --from npy nan.npy --out nan.h5 > out.txt 2>&1; crc=$?
$L train --data mnist.h5 $T $TH --max-steps 3 --out run2 >/dev/null 2>&1
m=$(md5sum run2/metrics.jsonl run2/config.ini | md5sum)
$L train --data nan.h5 $T $TH --batch 8 --max-steps 3 --out run2 > out.txt 2>&1; rc=$?
[ "$(md5sum run2/metrics.jsonl run2/config.ini | md5sum)" = "$m" ] && r lost "NaN data into old run folder" OK "convert rc=$crc train rc=$rc $(last)" || r lost "NaN data into old run folder" BAD "folder changed (convert rc=$crc, rc=$rc)"
# two trainings into one --out
$L train --data mnist.h5 $T $TH --epochs 300 --out run3 > a.txt 2>&1 & p1=$!
sleep 1.5; $L train --data mnist.h5 $T $TH --epochs 2 --out run3 > b.txt 2>&1; rc2=$?; kill -USR1 $p1; wait $p1; rc1=$?
[ $rc1 != 0 -o $rc2 != 0 ] && r lost "two runs one folder" OK "rc=$rc1,$rc2 $(tail -1 b.txt | cut -c1-120)" || r lost "two runs one folder" BAD "both exit 0"
# full disk
mkdir -p full; mount -t tmpfs -o size=700k tmpfs full 2>/dev/null && {
 $L train --data mnist.h5 --model vae --hidden 64 --latent 4 --threads 1 --max-steps 3 --out full/run > out.txt 2>&1; rc=$?
 grep -q "No space\|no space" out.txt && [ $rc != 0 ] && [ $rc -lt 128 ] && r lost "full disk" OK "rc=$rc $(last)" || r lost "full disk" BAD "rc=$rc $(last)"
 umount full; }
# --- hangs
python3 -c "
import struct
open('huge.idx','wb').write(struct.pack('>BBBB',0,0,8,3)+struct.pack('>III',100,48000,48000)+bytes(78000))"
timeout 20 $L convert --from idx huge.idx --out huge.h5 > out.txt 2>&1; rc=$?
[ $rc != 124 -a $rc != 0 ] && r hang "idx header 100x2.3e9 in 78KB" OK "rc=$rc $(last)" || r hang "idx header" BAD "rc=$rc"
timeout 20 $L train --data mnist.h5 $T --threads 100000 --max-steps 1 --out t1 > out.txt 2>&1; rc=$?
[ $rc -gt 0 -a $rc -lt 124 ] && r hang "--threads 100000" OK "rc=$rc $(last)" || r hang "--threads 100000" BAD "rc=$rc"
timeout 20 $L train --data mnist.h5 --model gan --hidden 32 --latent 4 --threads 1 --g-steps 1000000 --max-steps 1 --out t2 > out.txt 2>&1; rc=$?
[ $rc -gt 0 -a $rc -lt 124 ] && r hang "--g-steps 1000000" OK "rc=$rc $(last)" || r hang "--g-steps 1e6" BAD "rc=$rc"
timeout 20 $L generate --checkpoint run/checkpoint.h5 --n 100000000000 --out g.h5 > out.txt 2>&1; rc=$?
[ $rc -gt 0 -a $rc -lt 124 ] && r hang "generate --n 1e11" OK "rc=$rc $(last)" || r hang "generate --n 1e11" BAD "rc=$rc"
rm -f .*.tmp.*
timeout 30 $L train --data mnist.h5 --model vae --hidden 2000000000 --latent 4 --threads 1 --max-steps 1 --out t3 > out.txt 2>&1; rc=$?
grep -q "bad_alloc" out.txt && r hang "bad_alloc message" BAD "$(last)" || r hang "huge --hidden" OK "rc=$rc $(last)"
# --- silently wrong
python3 -c "
rows=[','.join(str((i*7+j)%256) for j in range(16)) for i in range(300)]
open('u8.csv','w').write('\n'.join(rows)+'\n')"
$L convert --from csv u8.csv --out u8.h5 >/dev/null 2>&1
$L train --data u8.h5 $T $TH --batch 32 --max-steps 20 --out t4 > out.txt 2>&1; rc=$?
[ $rc != 0 ] && r wrong "bce on 0..255" OK "$(last)" || r wrong "bce on 0..255" BAD "rc=0 $(grep -o '"loss":[^,]*' t4/metrics.jsonl | tail -1)"
for o in "--threads -2" "--weight-decay -1" "--adam-beta1 2" "--adam-beta2 1.5" "--config run"; do
 $L train --data mnist.h5 $T $TH --max-steps 2 $o --out t5 > out.txt 2>&1; rc=$?
 [ $rc != 0 ] && r wrong "$o" OK "$(last)" || r wrong "$o" BAD "accepted"; done
# checkpoint tampering with h5 tools? use h5repack-free approach: write attr via python? none: use latent's own test later
# (N,D) data grid after one epoch
python3 -c "
import random; random.seed(0)
open('flat.csv','w').write('\n'.join(','.join('%.3f'%random.random() for j in range(10)) for i in range(600))+'\n')"
$L convert --from csv flat.csv --out flat.h5 >/dev/null 2>&1
$L train --data flat.h5 $T $TH --batch 32 --epochs 2 --out t6 > out.txt 2>&1; rc=$?
[ $rc = 0 ] && r wrong "(N,D) data 2 epochs" OK "" || r wrong "(N,D) data 2 epochs" BAD "rc=$rc $(last)"
# validation data checked before training
$L train --data mnist.h5 $T $TH --epochs 1 --val-data flat.h5 --out t7 > out.txt 2>&1; rc=$?
grep -q '"step"' t7/metrics.jsonl 2>/dev/null && r wrong "bad --val-data" BAD "trained first, rc=$rc $(last)" || r wrong "bad --val-data" OK "rc=$rc $(last)"
/usr/bin/python3 -c "
import numpy as np; np.save('s100.npy', np.random.RandomState(0).rand(100,1,28,28).astype(np.float32))"
$L convert --from npy s100.npy --out s100.h5 >/dev/null 2>&1
$L eval --checkpoint run/checkpoint.h5 --data s100.h5 > out.txt 2>&1; rc=$?
[ $rc = 0 ] && r wrong "eval on 100 samples" OK "" || r wrong "eval on 100 samples" BAD "$(last)"
# SIGTERM checkpoint
$L train --data mnist.h5 $T $TH --epochs 200 --out t8 > out.txt 2>&1 & p=$!; sleep 4; kill -TERM $p; wait $p; rc=$?
[ -f t8/checkpoint.h5 ] && r preempt "SIGTERM" OK "rc=$rc $(last)" || r preempt "SIGTERM" BAD "no checkpoint rc=$rc"
$L train --data mnist.h5 $T $TH --epochs 200 --out t9 > out.txt 2>&1 & p=$!; sleep 4; kill -USR1 $p; wait $p; rc=$?
[ -f t9/checkpoint.h5 ] && r preempt "SIGUSR1" OK "rc=$rc $(last)" || r preempt "SIGUSR1" BAD "no checkpoint rc=$rc"
# ===== issue 25: the second round (needs python3-numpy and python3-h5py for its inputs) =====
MPI="mpirun --allow-run-as-root --oversubscribe -x OMP_NUM_THREADS=1 -np 2"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# --- resume on other data
/usr/bin/python3 -c "
import h5py, numpy as np
f = h5py.File('mnist.h5'); x = f['images'][:]; l = f['labels'][:]
g = h5py.File('other.h5', 'w'); g['images'] = x[::-1].copy(); g['labels'] = l[::-1].copy()
g = h5py.File('f16.h5', 'w'); g['images'] = (x[:2000] / 255.0).astype(np.float16)
g = h5py.File('f64.h5', 'w'); g['images'] = (x[:2000] / 255.0).astype(np.float64)
g = h5py.File('i16.h5', 'w'); g['images'] = x[:500].astype(np.int16)
g = h5py.File('biglabel.h5', 'w'); g['images'] = x[:1000]; ll = l[:1000].astype(np.int64); ll[7] = 10**9; g['labels'] = ll
g = h5py.File('targets.h5', 'w'); g['images'] = x[:2000]; g['targets'] = l[:2000]
np.save('negdim.npy', np.zeros((100, 28, 28), np.float32))
" 2>/dev/null || echo "issue-25 inputs need python3-numpy and python3-h5py"
sed -i 's/(100, 28, 28)/(100, -28, 28)/' negdim.npy
$L train --data other.h5 --resume run/checkpoint.h5 --out run > out.txt 2>&1; rc=$?
[ $rc != 0 ] && r resume "--resume on other data" OK "rc=$rc $(last)" || r resume "--resume on other data" BAD "rc=0, trained"
cp mnist.h5 moved.h5
$L train --data moved.h5 --resume run/checkpoint.h5 --max-steps 8 --out run > out.txt 2>&1; rc=$?
[ $rc = 0 ] && r resume "--resume on the same file moved" OK "" || r resume "--resume, same file moved" BAD "rc=$rc $(last)"
$L train --data other.h5 --init-from run/checkpoint.h5 $TH --max-steps 3 --out ft > out.txt 2>&1; rc=$?
[ $rc = 0 ] && r resume "--init-from on other data" OK "" || r resume "--init-from on other data" BAD "rc=$rc $(last)"
# --- inputs that are not regular files
mkfifo fifo.h5 fifo.npy
timeout 10 $L train --data fifo.h5 $T $TH --max-steps 1 --out tf > out.txt 2>&1; rc=$?
[ $rc != 124 -a $rc != 0 ] && r hang "FIFO as --data" OK "rc=$rc $(last)" || r hang "FIFO as --data" BAD "rc=$rc"
timeout 10 $L eval --checkpoint fifo.h5 --data mnist.h5 > out.txt 2>&1; rc=$?
[ $rc != 124 -a $rc != 0 ] && r hang "FIFO as --checkpoint" OK "rc=$rc $(last)" || r hang "FIFO as --checkpoint" BAD "rc=$rc"
timeout 10 $L convert --from npy fifo.npy --out tf.h5 > out.txt 2>&1; rc=$?
[ $rc != 124 -a $rc != 0 ] && r hang "FIFO as converter input" OK "rc=$rc $(last)" || r hang "FIFO as converter input" BAD "rc=$rc"
timeout 10 $L train --config fifo.npy --data mnist.h5 > out.txt 2>&1; rc=$?
[ $rc != 124 -a $rc != 0 ] && r hang "FIFO as --config" OK "rc=$rc $(last)" || r hang "FIFO as --config" BAD "rc=$rc"
# --- one absurd label
timeout 60 $L train --data biglabel.h5 --model classifier --hidden 32 --latent 4 $TH --max-steps 2 --out tc > out.txt 2>&1; rc=$?
[ $rc != 124 -a $rc != 0 ] && grep -q "row 7" out.txt && r wrong "label 1e9, --num-classes auto" OK "rc=$rc $(last)" || r wrong "label 1e9, --num-classes auto" BAD "rc=$rc $(last)"
timeout 60 $L train --data mnist.h5 --model classifier --hidden 32 --latent 4 --num-classes 2000000000 $TH --max-steps 2 --out tc2 > out.txt 2>&1; rc=$?
[ $rc != 124 -a $rc != 0 ] && grep -q "num-classes" out.txt && r wrong "--num-classes 2e9" OK "rc=$rc $(last)" || r wrong "--num-classes 2e9" BAD "rc=$rc $(last)"
# --- types
$L train --data f16.h5 $T $TH --max-steps 3 --out t16 > out.txt 2>&1; rc=$?
[ $rc = 0 ] && r type "contiguous float16 /images" OK "" || r type "contiguous float16 /images" BAD "$(last)"
$L train --data f64.h5 $T $TH --max-steps 3 --out t64 > out.txt 2>&1; rc=$?
[ $rc = 0 ] && r type "float64 /images" OK "" || r type "float64 /images" BAD "$(last)"
$L train --data i16.h5 $T $TH --max-steps 3 --out ti16 > out.txt 2>&1; rc=$?
[ $rc != 0 ] && grep -q "int16\|16-bit" out.txt && r type "int16 /images refused by type" OK "$(last)" || r type "int16 /images" BAD "rc=$rc $(last)"
$L convert --from npy negdim.npy --out neg.h5 > out.txt 2>&1; rc=$?
[ $rc != 0 ] && r type "npy shape (100, -28, 28)" OK "$(last)" || r type "npy shape (100, -28, 28)" BAD "converted"
# --- a run folder whose path holds a newline (and '=' '#' ';' and non-ASCII)
nl=$'run\nnew=line #1 ; é'
$L train --data mnist.h5 $T $TH --max-steps 2 --out "$nl" > out.txt 2>&1; rc=$?
$L eval --checkpoint "$nl/checkpoint.h5" --data mnist.h5 > out.txt 2>&1; rc2=$?
$L train --resume "$nl/checkpoint.h5" --max-steps 4 --out "$nl" > out2.txt 2>&1; rc3=$?
[ $rc = 0 -a $rc2 = 0 -a $rc3 = 0 ] && r wrong "--out with newline, '=', '#', 'é'" OK "" || r wrong "--out with newline" BAD "train $rc eval $rc2 resume $rc3 $(last)"
# --- stalls: SIGSTOP one rank of two
if command -v mpirun >/dev/null; then
  ST=""; $L train --help | grep -q stall-timeout && ST="--stall-timeout 6"
  $MPI $L train --data mnist.h5 $T $TH --epochs 100 $ST --out tstall > stall.txt 2>&1 & mp=$!
  until grep -q '"step"' tstall/metrics.jsonl 2>/dev/null || ! kill -0 $mp 2>/dev/null; do sleep 0.2; done
  pids=$(pgrep -P $mp | sort -n); p0=$(echo "$pids" | head -1); p1=$(echo "$pids" | tail -1)
  kill -STOP $p1; t0=$(date +%s); u0=$(awk '{print $14+$15}' /proc/$p0/stat 2>/dev/null)
  sleep 3; u1=$(awk '{print $14+$15}' /proc/$p0/stat 2>/dev/null); cpu=$(( (${u1:-0} - ${u0:-0}) ))
  ( sleep 40; kill -CONT $p1 2>/dev/null; kill $mp 2>/dev/null ) & guard=$!
  wait $mp; rc=$?; t1=$(date +%s); kill $guard 2>/dev/null; kill -CONT $p1 2>/dev/null
  msg=$(grep -i "stall\|did not arrive" stall.txt | head -1 | cut -c1-150)
  [ $((t1 - t0)) -lt 30 ] && [ $rc != 0 ] && [ -n "$msg" ] && r hang "SIGSTOP one of 2 ranks" OK "rc=$rc after $((t1-t0)) s, rank 0 used $cpu ticks in 3 s: $msg" || r hang "SIGSTOP one of 2 ranks" BAD "rc=$rc after $((t1-t0)) s, rank 0 used $cpu ticks in 3 s (100/s = one core)"
fi
# --- late and left over
mkdir -p small; mount -t tmpfs -o size=3m tmpfs small 2>/dev/null && {
  t0=$(date +%s.%N)
  timeout 60 $L train --data mnist.h5 --model vae --hidden 1000 --latent 4 $TH --epochs 1 --out small/run > out.txt 2>&1; rc=$?
  steps=$(grep -c '"step"' small/run/metrics.jsonl 2>/dev/null)
  [ $rc != 0 ] && [ "${steps:-0}" = 0 ] && grep -qi "space\|room" out.txt && r late "checkpoint larger than the disk" OK "refused before step 1: $(last)" || r late "checkpoint larger than the disk" BAD "rc=$rc after ${steps:-0} metric rows: $(last)"
  umount small; }
$L train --data mnist.h5 $T $TH --max-steps 5 --out tleft > /dev/null 2>&1
cp tleft/checkpoint.h5 tleft/.checkpoint.h5.tmp.999999
sleep 600 & live=$!; cp tleft/checkpoint.h5 tleft/.checkpoint.h5.tmp.$live
$L train --resume tleft/checkpoint.h5 --max-steps 8 --out tleft > out.txt 2>&1; rc=$?
[ ! -e tleft/.checkpoint.h5.tmp.999999 ] && [ -e tleft/.checkpoint.h5.tmp.$live ] && r late "dead temporary left in the run folder" OK "removed on resume, the live one kept" || r late "dead temporary left in the run folder" BAD "rc=$rc $(ls -a tleft | grep tmp | tr '\n' ' ')"
kill $live
# --- messages that lead to the fix
printf 'model = vae\n; a comment\nlatent = 4\n' > semi.ini
$L train --config semi.ini --data mnist.h5 $TH --hidden 32 --max-steps 1 --out ti > out.txt 2>&1; rc=$?
[ $rc = 0 ] && r msg "'; comment' in an INI" OK "" || r msg "'; comment' in an INI" BAD "$(last)"
printf 'model = vae\nlatent = 4\nlatnet = 5\n' > bad.ini
$L train --config bad.ini --data mnist.h5 $TH --max-steps 1 --out ti > out.txt 2>&1; rc=$?
grep -q "bad.ini" out.txt && grep -q "line 3" out.txt && r msg "INI error names file and line" OK "$(last)" || r msg "INI error names file and line" BAD "$(last)"
$L train --data mnist.h5 --latnet 4 $TH --max-steps 1 --out ti > out.txt 2>&1; rc=$?
grep -q "\-\-latent" out.txt && r msg "misspelled --latnet suggests --latent" OK "$(last)" || r msg "misspelled --latnet" BAD "$(last)"
$L train --data mnist.h5 --laten 4 $TH --hidden 32 --max-steps 1 --out ti > out.txt 2>&1; rc=$?
[ $rc != 0 ] && r msg "prefix --laten not taken for --latent" OK "$(last)" || r msg "prefix --laten" BAD "accepted as --latent"
$L encode --checkpoint run/checkpoint.h5 --dat mnist.h5 --out x.h5 > out.txt 2>&1; rc=$?
[ $rc != 0 ] && grep -q "\-\-data" out.txt && r msg "encode --dat: refused, suggests --data" OK "$(last)" || r msg "encode --dat" BAD "rc=$rc $(last)"
$L train --data mnist.h5 $T $TH --val-fraction 0.999 --max-steps 1 --out ti > out.txt 2>&1; rc=$?
grep -q "val-fraction" out.txt && r msg "--val-fraction 0.999 named" OK "$(last)" || r msg "--val-fraction 0.999" BAD "$(last)"
/usr/bin/python3 -c "
open('semi.csv','w').write('\n'.join(';'.join(str((i*7+j)%10/10) for j in range(16)) for i in range(300))+'\n')"
$L convert --from csv semi.csv --out semi.h5 > out.txt 2>&1; rc=$?
[ $rc = 0 ] || grep -q "';'" out.txt && r msg "semicolon-separated CSV" OK "rc=$rc $(last)" || r msg "semicolon-separated CSV" BAD "$(last)"
t0=$(date +%s); timeout 60 $L interpolate --checkpoint run/checkpoint.h5 --data mnist.h5 --from 0 --to 1 --steps 100000 --png w.png > out.txt 2>&1; rc=$?; t1=$(date +%s)
[ $rc != 0 ] && [ $((t1-t0)) -lt 3 ] && grep -q "steps" out.txt && r msg "interpolate --steps 100000 --png" OK "$(last)" || r msg "interpolate --steps 100000 --png" BAD "rc=$rc in $((t1-t0)) s: $(last)"
$L train --data targets.h5 --labels-dataset targets --model classifier --hidden 32 --latent 4 $TH --max-steps 3 --out tcl > /dev/null 2>&1
$L eval --checkpoint tcl/checkpoint.h5 --data targets.h5 --labels-dataset targets > out.txt 2>&1; rc=$?
[ $rc = 0 ] && r msg "eval --labels-dataset targets" OK "" || r msg "eval --labels-dataset targets" BAD "$(last)"
head -c 3000000 mnist.h5 > trunc.h5
$L train --data trunc.h5 $T $TH --max-steps 2 --out tt > out.txt 2>&1; rc=$?
n=$(wc -l < out.txt); [ $rc != 0 ] && [ $n -le 3 ] && r msg "truncated data file: lines printed" OK "$n: $(last)" || r msg "truncated data file: lines printed" BAD "$n lines, rc=$rc"
# a chunk zeroed in the middle of a gzip file: read (and refused) by the prefetch thread
/usr/bin/python3 -c "
import h5py
f = h5py.File('mnist.h5'); g = h5py.File('zeroed.h5', 'w')
g.create_dataset('images', data=f['images'][:], chunks=(64, 1, 28, 28), compression='gzip')"
sz=$(stat -c %s zeroed.h5); dd if=/dev/zero of=zeroed.h5 bs=1 seek=$((sz / 2)) count=$((sz / 100)) conv=notrunc 2>/dev/null
$L train --data zeroed.h5 $T $TH --epochs 1 --out tz > out.txt 2>&1; rc=$?
n=$(wc -l < out.txt); [ $rc != 0 ] && [ $n -le 3 ] && r msg "damaged chunk: lines printed" OK "$n: $(last)" || r msg "damaged chunk: lines printed" BAD "$n lines, rc=$rc"
$L train --data mnist.h5 $T $TH --classes 1,42 --max-steps 2 --out tcls > out.txt 2>&1; rc=$?
grep -q "42" out.txt && r msg "--classes 1,42 (42 absent)" OK "rc=$rc $(grep 42 out.txt | head -1 | cut -c1-120)" || r msg "--classes 1,42 (42 absent)" BAD "rc=$rc, not a word"
