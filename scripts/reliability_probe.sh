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
