#!/bin/bash
# The distributed tests: dist_train under `mpirun -np 2` (one thread per process).
#   run.sh MPIRUN DIST_TRAIN FASHION_MNIST_DIR
set -u
mpirun=$1 prog=$2 dir=$3
if [ ! -f "$dir/train-images-idx3-ubyte.gz" ]; then
  echo "Fashion-MNIST not found in $dir (apt-get install dataset-fashion-mnist)" >&2
  exit 1
fi
work=$(mktemp -d /tmp/symgrad_dist.XXXXXX)
trap 'rm -rf "$work"' EXIT
export SYMGRAD_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
# As root mpirun needs --allow-run-as-root; --oversubscribe lets 2 processes run on 1 core;
# containers often forbid the cross-memory-attach copies of the shared-memory transport.
run() { timeout "$1" "$mpirun" --allow-run-as-root --oversubscribe --mca btl_vader_single_copy_mechanism none \
          -np 2 "$prog" --dir "$dir" "${@:2}"; }
. "$(dirname "$0")/checks.sh"

section "KVStore across 2 workers"
run 120 --mode api || fail "api"

for opt in sgd adam; do
  section "2 workers with half batches = 1 process with whole batches ($opt)"
  out=$(run 300 --mode train --optimizer $opt --epochs 3 --check 2>&1); rc=$?
  echo "$out"
  [ $rc -eq 0 ] || fail "$opt: distributed training does not match one process (exit $rc)"
done

section "parts of different sizes: every epoch ends at the shortest part"
out=$(run 120 --mode train --epochs 2 --extra-batches 3 2>&1); rc=$?
echo "$out" | head -4
[ $rc -eq 0 ] || fail "uneven parts: training failed (exit $rc)"
[ "$(echo "$out" | grep -c "ends after 32 batches: another worker's part has no more")" -eq 2 ] \
  || fail "uneven parts: the longer part's worker did not say where each epoch ended"

section "kvstore nccl refuses CPU keys on every worker"
out=$(run 60 --mode api --kvstore nccl 2>&1); rc=$?
echo "$out" | grep "error:" | head -2
[ $rc -ne 0 ] || fail "nccl: a CPU key was accepted"
[ "$(echo "$out" | grep -c "kvstore nccl sums gpu(n) arrays through NCCL, but key 'a' is on cpu(0)\|this build has no CUDA backend")" -eq 2 ] \
  || fail "nccl: the error on each rank does not say that the store holds GPU keys"

check_mismatch
check_hang

section "a worker that dies mid-epoch, then a resume from the last checkpoint"
start=$(date +%s)
out=$(run 120 --mode train --epochs 3 --prefix "$work/ck" --die-at 1:7 2>&1); rc=$?
took=$(( $(date +%s) - start ))
echo "$out" | grep -v "^\s*$" | head -12
echo "(stopped after ${took} s, exit $rc)"
[ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "die: the job did not stop (exit $rc)"
[ $took -lt 60 ] || fail "die: stopping took ${took} s"
[ -f "$work/ck-0001.params" ] && [ -f "$work/ck-0001.states" ] || fail "die: no checkpoint from epoch 1"
[ ! -f "$work/ck-0002.params" ] || fail "die: a checkpoint of the interrupted epoch exists"
ls "$work"
out=$(run 300 --mode train --epochs 3 --prefix "$work/ck" --resume 1 --check 2>&1); rc=$?
echo "$out"
[ $rc -eq 0 ] || fail "resume: training from checkpoint 1 does not end with the uninterrupted weights (exit $rc)"

echo
[ $failed -eq 0 ] && echo "all distributed tests passed"
exit $failed
