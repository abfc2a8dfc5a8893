#!/bin/sh
# Every C++ and CUDA source that git tracks is as clang-format (the repository's .clang-format)
# writes it. Exit 77 (a skipped meson test) where clang-format is not installed.
set -eu
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null 2>&1; then
  echo "clang-format is not installed: apt-get install clang-format" >&2
  exit 77
fi
files=$(git ls-files '*.hpp' '*.cpp' '*.cu' '*.cuh' 2>/dev/null || true)
if [ -z "$files" ]; then
  echo "check_format: not a git checkout, nothing to check" >&2
  exit 77
fi
# shellcheck disable=SC2086
if ! clang-format --dry-run -Werror $files; then
  echo "check_format: run clang-format -i on the files above" >&2
  exit 1
fi
echo "check_format: $(echo "$files" | wc -l) files, ok"
