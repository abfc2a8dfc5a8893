#!/bin/sh
# Fuzzes every reader of outside data (libFuzzer with ASan + UBSan; clang from Debian): symbol
# JSON (load, infer, bind, forward, backward), .params, optimizer .states (MXNet's pickle and
# symgrad's file), MNIST idx (raw and gzip), CSV and LibSVM files, JPEG/PNG decode + resize + crop,
# image records, RecordIO files with their index (and ImageRecordIter over them) and .lst lists.
#   .ci/fuzz.sh [seconds per target (default 30)] [build folder (default build-fuzz)] [targets]
# A long run: .ci/fuzz.sh 600 (one core per target, one target at a time). Seeds come from
# tests/data and tests/fuzz/seeds; the corpus grows in <build>/fuzz-corpus and crashes land in
# <build>/fuzz-artifacts. Files under tests/data/bad/<target>/ (inputs that once crashed) are
# replayed first. Exit 77 (skipped) without clang.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-30}
dir=${2:-build-fuzz}
if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz: clang++ is not installed (apt-get install clang)" >&2
  exit 77
fi
if [ ! -f "$dir/build.ninja" ]; then
  CXX=clang++ meson setup "$dir" -Dfuzz=true -Dtests=false -Dexamples=false -Dbench=false \
    -Dcuda=disabled -Dmpi=disabled >/dev/null
fi
seeds() {
  case "$1" in
    fuzz_symbol_json) echo "tests/data/json tests/data/checkpoint" ;;
    fuzz_params) echo "tests/data/checkpoint" ;;
    fuzz_states) echo "tests/data/states tests/data/states/bad" ;;
    fuzz_mnist) echo "tests/fuzz/seeds/mnist" ;;
    fuzz_image) echo "tests/data/images tests/fuzz/seeds/image tests/data/recordio" ;;
    fuzz_recordio) echo "tests/fuzz/seeds/recordio" ;;
    fuzz_lst) echo "tests/fuzz/seeds/lst" ;;
    fuzz_text) echo "tests/fuzz/seeds/text" ;;
  esac
}
status=0
all="fuzz_symbol_json fuzz_params fuzz_states fuzz_mnist fuzz_text fuzz_image fuzz_recordio fuzz_lst"
for t in ${3:-$all}; do
  if ! ninja -C "$dir" -t targets all 2>/dev/null | grep -q "^tests/fuzz/$t:"; then
    echo "fuzz: $t is not built here (no JPEG/PNG libraries?), skipped"
    continue
  fi
  ninja -C "$dir" "tests/fuzz/$t" >/dev/null
  bin="$dir/tests/fuzz/$t"
  if [ -d "tests/data/bad/$t" ]; then
    "$bin" -rss_limit_mb=2048 -malloc_limit_mb=1024 tests/data/bad/"$t"/* >/dev/null 2>&1 || {
      echo "fuzz: $t fails on a file in tests/data/bad/$t" >&2
      status=1
    }
  fi
  mkdir -p "$dir/fuzz-corpus/$t" "$dir/fuzz-artifacts"
  # shellcheck disable=SC2046
  if "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 -max_len=65536 \
      -artifact_prefix="$dir/fuzz-artifacts/$t-" "$dir/fuzz-corpus/$t" $(seeds "$t") \
      >"$dir/fuzz-$t.log" 2>&1; then
    echo "fuzz: $t: $(grep -o 'Done [0-9]* runs' "$dir/fuzz-$t.log" | tail -1) in ${secs}s, no crash"
  else
    echo "fuzz: $t found a problem; see $dir/fuzz-$t.log and $dir/fuzz-artifacts" >&2
    tail -30 "$dir/fuzz-$t.log" >&2
    status=1
  fi
done
exit $status
