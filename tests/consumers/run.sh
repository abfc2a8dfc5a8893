#!/bin/sh
# Installs symgrad into a scratch prefix, then builds and runs three tiny user projects against
# it: Meson with dependency('symgrad') through pkg-config, CMake with find_package(symgrad), and
# Meson with symgrad as a subproject.
# usage: run.sh SOURCE_ROOT WORK_DIR
set -eu
src=$(cd "$1" && pwd)
work=$2
rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"

echo "== install into $prefix"
meson setup "$work/build" "$src" --prefix="$prefix" -Dtests=false -Dexamples=false -Dbench=false \
  -Dcuda=disabled >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; exit 1; }
meson install -C "$work/build" >"$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }
pcdir=$(dirname "$(find "$prefix" -name symgrad.pc | head -n 1)")
cmakedir=$(dirname "$(find "$prefix" -name symgradConfig.cmake | head -n 1)")
test -n "$pcdir" && test -n "$cmakedir"

# Each consumer project is copied next to consumer.cpp in the scratch folder.
stage() {
  mkdir -p "$work/src_$1"
  cp -R "$src/tests/consumers/$1/." "$work/src_$1/"
  cp "$src/tests/consumers/consumer.cpp" "$work/src_$1/"
}

echo "== meson + pkg-config consumer"
stage meson_pkgconfig
PKG_CONFIG_PATH="$pcdir" meson setup "$work/meson_pc" "$work/src_meson_pkgconfig" >"$work/m1.log" 2>&1 \
  || { cat "$work/m1.log"; exit 1; }
ninja -C "$work/meson_pc" >>"$work/m1.log" 2>&1 || { cat "$work/m1.log"; exit 1; }
"$work/meson_pc/consumer"

echo "== cmake find_package consumer"
stage cmake
cmake -S "$work/src_cmake" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
  >"$work/c.log" 2>&1 || { cat "$work/c.log"; exit 1; }
cmake --build "$work/cmake" >>"$work/c.log" 2>&1 || { cat "$work/c.log"; exit 1; }
"$work/cmake/consumer"

echo "== meson subproject consumer"
stage meson_subproject
mkdir -p "$work/src_meson_subproject/subprojects"
ln -s "$src" "$work/src_meson_subproject/subprojects/symgrad"
meson setup "$work/meson_sub" "$work/src_meson_subproject" >"$work/m2.log" 2>&1 || { cat "$work/m2.log"; exit 1; }
ninja -C "$work/meson_sub" >>"$work/m2.log" 2>&1 || { cat "$work/m2.log"; exit 1; }
"$work/meson_sub/consumer"
echo "all consumers built and ran"
