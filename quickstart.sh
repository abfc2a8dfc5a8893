#!/bin/sh
# symgrad quick start on Debian 12 / Ubuntu:
#   ./quickstart.sh example   install what is missing, build, train examples/mlp_fashion_mnist
#   ./quickstart.sh test      install what is missing, build with warnings as errors, run all tests
# Set SYMGRAD_BUILD_DIR to use another build folder (default: build).
set -eu
cd "$(dirname "$0")"
what=${1:-example}
build=${SYMGRAD_BUILD_DIR:-build}

packages="g++ meson ninja-build pkg-config cmake python3 openmpi-bin libopenmpi-dev xtensor-dev libxsimd-dev doctest-dev libopenblas-dev zlib1g-dev nlohmann-json3-dev libturbojpeg0-dev libpng-dev dataset-fashion-mnist"
# the tests also check the sources' formatting
[ "$what" = test ] && packages="$packages clang-format"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
fi

# OpenBLAS 0.3.21 does not know some newer CPUs and falls back to slow generic kernels; name
# the kernels for it unless the caller did (the library warns when it sees the fallback).
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
  if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then export OPENBLAS_CORETYPE=SkylakeX
  elif grep -qw avx2 /proc/cpuinfo 2>/dev/null; then export OPENBLAS_CORETYPE=Haswell
  fi
fi

if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" -Dwerror=true
fi
case "$what" in
  example)
    ninja -C "$build" examples/mlp_fashion_mnist
    cd "$build/examples"
    ./mlp_fashion_mnist
    ;;
  test)
    ninja -C "$build"
    meson test -C "$build" --print-errorlogs
    ;;
  *)
    echo "usage: $0 example|test" >&2
    exit 2
    ;;
esac
