#!/bin/sh
# The unit, train and image suites built and run under AddressSanitizer + UndefinedBehaviorSanitizer
# (build-asan), and the threaded data and kvstore tests under ThreadSanitizer (build-tsan).
#   .ci/sanitize.sh [asan|tsan|all]   (default all)
# Each build folder compiles libsymgrad and the test programs once (the longest part, several
# minutes per core); later runs only rebuild what changed. Any report fails the run.
set -eu
cd "$(dirname "$0")/.."
what=${1:-all}
common="-Dexamples=false -Dbench=false -Dcuda=disabled -Dmpi=disabled -Dbuildtype=debugoptimized"
export OPENBLAS_NUM_THREADS=1
if [ -z "${OPENBLAS_CORETYPE:-}" ] && grep -qw avx2 /proc/cpuinfo 2>/dev/null; then
  export OPENBLAS_CORETYPE=Haswell
fi
has_target() { ninja -C "$1" -t targets all 2>/dev/null | grep -q "^$2:"; }

if [ "$what" = asan ] || [ "$what" = all ]; then
  [ -f build-asan/build.ninja ] || meson setup build-asan $common -Db_sanitize=address,undefined >/dev/null
  targets="tests/symgrad_tests tests/symgrad_train_tests"
  has_target build-asan tests/symgrad_image_tests && targets="$targets tests/symgrad_image_tests"
  # shellcheck disable=SC2086
  ninja -C build-asan $targets
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
  for t in $targets; do
    echo "sanitize: $t (ASan + UBSan)"
    "build-asan/$t"
  done
fi
if [ "$what" = tsan ] || [ "$what" = all ]; then
  [ -f build-tsan/build.ninja ] || meson setup build-tsan $common -Db_sanitize=thread >/dev/null
  ninja -C build-tsan tests/symgrad_train_tests
  export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
  echo "sanitize: threaded iterators and kvstore (TSan)"
  build-tsan/tests/symgrad_train_tests -tc="*PrefetchingIter*,*kvstore*,*MNISTIter*,*Module*"
  if has_target build-tsan tests/symgrad_image_tests; then
    ninja -C build-tsan tests/symgrad_image_tests
    build-tsan/tests/symgrad_image_tests -tc="*ImageRecordIter*,*im2rec*"
  fi
fi
echo "sanitize: $what: no reports"
