#!/bin/bash
# The distributed tests on GPUs: kvstore 'nccl' under mpirun, one GPU per worker (2 workers when
# the machine has 2 GPUs, else 1: NCCL allows one rank per GPU). Exit 77 (skip) without a GPU.
#   run_gpu.sh MPIRUN DIST_TRAIN FASHION_MNIST_DIR
set -u
mpirun=$1 prog=$2 dir=$3
gpus=$("$prog" --mode gpus) || { echo "dist_train --mode gpus failed" >&2; exit 1; }
if [ "$gpus" -lt 1 ]; then
  echo "no GPU, so the NCCL store is not run; the distributed CPU tests are the 'dist' test"
  exit 77
fi
if [ ! -f "$dir/train-images-idx3-ubyte.gz" ]; then
  echo "Fashion-MNIST not found in $dir (apt-get install dataset-fashion-mnist)" >&2
  exit 1
fi
np=$(( gpus >= 2 ? 2 : 1 ))
export SYMGRAD_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
run() { timeout "$1" "$mpirun" --allow-run-as-root --oversubscribe --mca btl_vader_single_copy_mechanism none \
          -np $np "$prog" --dir "$dir" --gpu "${@:2}"; }
. "$(dirname "$0")/checks.sh"
echo "$gpus GPU(s): $np worker(s), one GPU each"

for store in nccl dist_device_sync; do
  section "KVStore $store on GPU keys across $np worker(s)"
  run 180 --mode api --kvstore $store || fail "api ($store)"
done

for opt in sgd adam; do
  section "$np worker(s) with kvstore nccl = 1 process with whole batches ($opt)"
  out=$(run 400 --mode train --kvstore nccl --optimizer $opt --epochs 3 --check 2>&1); rc=$?
  echo "$out"
  [ $rc -eq 0 ] || fail "$opt: training over NCCL does not match one process (exit $rc)"
done

if [ $np -ge 2 ]; then
  check_mismatch --kvstore nccl
  check_hang --kvstore nccl
fi
exit $failed
