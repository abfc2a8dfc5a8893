#!/bin/sh
# The im2rec command: list mode writes MXNet's .lst, pack mode with --pass-through writes MXNet's
# .rec/.idx byte for byte, --help works and a bad flag is a usage error (exit 2).
# usage: im2rec_cli.sh path/to/im2rec tests/data
set -eu
im2rec=$1
data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$im2rec" --help > "$work/help.txt"
grep -q -- "--pass-through" "$work/help.txt"
if "$im2rec" --no-such-flag a b 2> "$work/err.txt"; then echo "a bad flag was accepted"; exit 1; fi
grep -q "unrecognized argument: --no-such-flag" "$work/err.txt"
"$im2rec" --list --recursive "$work/mx_pt" "$data/images" > "$work/out.txt"
cmp "$work/mx_pt.lst" "$data/image_records/mx_list.lst"
grep -qx "animals 1" "$work/out.txt"
"$im2rec" --pass-through --num-thread 2 "$work/mx_pt" "$data/images" > /dev/null
cmp "$work/mx_pt.rec" "$data/image_records/mx_pt.rec"
cmp "$work/mx_pt.idx" "$data/image_records/mx_pt.idx"
if "$im2rec" "$work/none" "$data/images" 2> "$work/err.txt"; then echo "a missing list was accepted"; exit 1; fi
grep -q "did not find any list file" "$work/err.txt"
echo "im2rec command: ok"
