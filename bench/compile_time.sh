#!/bin/sh
# What compiling costs a user and the project, measured (issue: build cost). Prints one line per
# figure: wall seconds and peak compiler memory of
#   * libsymgrad, built and installed into a scratch prefix as a user would (meson install);
#   * the notebook's regression program (bench/compile/notebook_regression.cpp, #include
#     <symgrad/symgrad.hpp>) at -O2 with the installed symgrad's pkg-config flags;
#   * a file that includes only <symgrad/symbol.hpp> and builds a graph (symbol_graph.cpp);
#   * the notebook program in header-only mode (SYMGRAD_HEADER_ONLY, no library);
#   * the same program written with libtorch (torch_regression.cpp), where libtorch-dev is
#     installed, and the ratio of symgrad's time to libtorch's;
#   * with --full, a clean build of the whole project (library, tests, examples, bench) with
#     ninja's default parallelism.
# Each compile runs --rounds times (default 3); the median is printed.
#
# usage: bench/compile_time.sh [--rounds N] [--full] [--keep DIR]
set -eu
cd "$(dirname "$0")/.."
src=$(pwd)
rounds=3
full=0
work=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --full) full=1; shift ;;
    --keep) work=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--full] [--keep DIR]" >&2; exit 2 ;;
  esac
done
if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
prefix="$work/prefix"
cxx=${CXX:-g++}

# seconds and peak KB of one command: "S KB"
measure() {
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/cmd.log" 2>&1 || { cat "$work/cmd.log"; exit 1; }
  cat "$work/time.txt"
}
# median over the rounds: "S MB"
median_of() {
  i=0
  : >"$work/rounds.txt"
  while [ $i -lt "$rounds" ]; do
    measure "$@" >>"$work/rounds.txt"
    i=$((i + 1))
  done
  sort -n "$work/rounds.txt" | awk -v n="$rounds" 'NR == int((n + 1) / 2) { printf "%.2f %.0f", $1, $2 / 1024 }'
}
report() {  # name "S MB" note
  set -- "$1" $2 "${3:-}"
  printf '{"compile": "%s", "seconds": %s, "peak_mb": %s%s}\n' "$1" "$2" "$3" "${4:+, \"note\": \"$4\"}"
}

echo "# $(nproc) cores, $($cxx --version | head -n 1), $rounds rounds (median)"

meson setup "$work/build" "$src" --prefix="$prefix" -Dtests=false -Dexamples=false -Dbench=false \
  -Dcuda=disabled -Dmpi=disabled -Dimage=disabled >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; exit 1; }
t=$(measure ninja -C "$work/build" | awk '{ printf "%s %.0f", $1, $2 / 1024 }')
report "libsymgrad (clean, $(nproc) jobs, -Dcuda=disabled; memory: the largest compile)" "$t"
meson install -C "$work/build" >"$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }
pcdir=$(dirname "$(find "$prefix" -name symgrad.pc | head -n 1)")
cflags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags symgrad)
cflags_ho=$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags symgrad-header-only)

c="$src/bench/compile"
nb=$(median_of $cxx -std=c++20 -O2 $cflags -c "$c/notebook_regression.cpp" -o "$work/nb.o")
report "notebook regression, symgrad.hpp, -O2" "$nb"
report "symbol.hpp only, builds a graph, -O2" "$(median_of $cxx -std=c++20 -O2 $cflags -c "$c/symbol_graph.cpp" -o "$work/sg.o")"
report "notebook regression, header-only, -O2" "$(median_of $cxx -std=c++20 -O2 $cflags_ho -c "$c/notebook_regression.cpp" -o "$work/ho.o")"
report "notebook regression, symgrad.hpp, -O0" "$(median_of $cxx -std=c++20 -O0 $cflags -c "$c/notebook_regression.cpp" -o "$work/nb0.o")"

torch_inc=/usr/include/torch/csrc/api/include
if [ -f "$torch_inc/torch/torch.h" ]; then
  tt=$(median_of $cxx -std=c++17 -O2 -I"$torch_inc" -D_GLIBCXX_USE_CXX11_ABI=1 -c "$c/torch_regression.cpp" -o "$work/tt.o")
  report "libtorch program of the same size, -O2" "$tt"
  echo "$nb $tt" | awk '{ printf "{\"ratio\": \"symgrad / libtorch\", \"value\": %.3f}\n", $1 / $3 }'
else
  echo "# libtorch-dev is not installed: no libtorch comparison"
fi

if [ "$full" = 1 ]; then
  meson setup "$work/full" "$src" >"$work/full_setup.log" 2>&1 || { cat "$work/full_setup.log"; exit 1; }
  report "whole project (clean: library, tests, examples, bench; $(nproc) jobs)" \
    "$(measure ninja -C "$work/full" | awk '{ printf "%s %.0f", $1, $2 / 1024 }')"
fi
