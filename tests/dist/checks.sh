# Shared by run.sh and run_gpu.sh, which source it after defining run() (mpirun with their
# options): reporting, and the checks both make. Extra arguments go to dist_train.
failed=0
fail() { echo "FAILED: $*" >&2; failed=1; }
section() { echo; echo "== $*"; }

# The last rank builds a different first layer: init fails on every rank, naming the key.
check_mismatch() {
  section "parameters that differ between workers"
  out=$(run 180 --mode mismatch "$@" 2>&1); rc=$?
  echo "$out" | tail -5
  [ $rc -ne 0 ] || fail "mismatch: fit succeeded"
  [ "$(echo "$out" | grep -c "key 'fc1_weight' is (64, 784) float32 on rank 0 but (32, 784) float32 on rank 1")" -eq 2 ] \
    || fail "mismatch: the error on each rank does not name fc1_weight, its shapes and the ranks"
}

# The last rank sleeps mid-epoch: the others stop the job after SYMGRAD_KV_TIMEOUT seconds.
check_hang() {
  section "a worker that hangs: the others stop within the timeout"
  start=$(date +%s)
  out=$(SYMGRAD_KV_TIMEOUT=3 run 180 --mode train --epochs 2 --hang-at 1:5 "$@" 2>&1); rc=$?
  took=$(( $(date +%s) - start ))
  echo "$out" | grep -v "^\s*$" | head -8
  echo "(stopped after ${took} s, exit $rc)"
  [ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "hang: the job did not stop by itself (exit $rc)"
  [ $took -lt 60 ] || fail "hang: stopping took ${took} s"
  echo "$out" | grep -q "rank 0 of 2: .*waited .* for the other workers" || fail "hang: no message from the waiting worker"
}
