#!/bin/sh
# The GPU machine's script: builds symgrad with CUDA, runs the GPU test suite (and, where Open MPI
# is installed, the NCCL kvstore test tests/dist/run_gpu.sh) and the GPU benchmarks (ours, then
# PyTorch CUDA on the same GPU when it is installed), and prints JSON lines. Meant to finish in
# under 8 minutes on an H100/H200 host.
#   sh bench/gpu/run.sh [build-dir]
set -eu
cd "$(dirname "$0")/../.."
BUILD=${1:-build-gpu}
start=$(date +%s)
if [ ! -f "$BUILD/build.ninja" ]; then
  meson setup "$BUILD" -Dcuda=enabled -Dexamples=false -Dimage=disabled -Dmpi=auto >/dev/null
fi
dist=""
ninja -C "$BUILD" -t targets all | grep -q '^tests/dist_train:' && dist=tests/dist_train
ninja -C "$BUILD" tests/symgrad_gpu_tests bench/gpu_bench $dist >/dev/null
echo "{\"step\": \"build\", \"seconds\": $(( $(date +%s) - start ))}"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null |
  sed 's/^/{"step": "nvidia-smi", "gpu": "/; s/$/"}/' || true
rc=0
"$BUILD/tests/symgrad_gpu_tests" --host >"$BUILD/gpu_host.log" 2>&1 || rc=$?
echo "{\"step\": \"test_gpu --host\", \"rc\": $rc}"
rc=0
"$BUILD/tests/symgrad_gpu_tests" >"$BUILD/gpu_suite.log" 2>&1 || rc=$?
echo "{\"step\": \"test_gpu (suite gpu)\", \"rc\": $rc, \"summary\": \"$(tail -3 "$BUILD/gpu_suite.log" | tr '\n"' ' ' )\"}"
[ $rc -eq 0 ] || grep -B2 -A8 "ERROR\|FAILED" "$BUILD/gpu_suite.log" | head -60 >&2 || true
if [ -n "$dist" ]; then
  rc=0
  bash tests/dist/run_gpu.sh "$(command -v mpirun)" "$BUILD/tests/dist_train" /usr/share/datasets/fashion-mnist \
    >"$BUILD/dist_gpu.log" 2>&1 || rc=$?
  echo "{\"step\": \"dist_gpu (kvstore nccl)\", \"rc\": $rc, \"tail\": \"$(tail -4 "$BUILD/dist_gpu.log" | tr '\n"' ' ')\"}"
else
  echo '{"step": "dist_gpu (kvstore nccl)", "skipped": "Open MPI is not installed"}'
fi
"$BUILD/bench/gpu_bench"
python3 bench/gpu/torch_steps.py || echo '{"bench": "torch_gpu", "skipped": "the script failed"}'
echo "{\"step\": \"done\", \"seconds\": $(( $(date +%s) - start ))}"
