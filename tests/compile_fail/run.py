#!/usr/bin/env python3
"""Compile-fail tests: every case_*.cpp here must fail to compile, and the compiler's first
error line must contain each text given on a `// expect: <text>` line of the case.

usage: run.py CASE_DIR INCLUDE_DIR "SYMGRAD ARGS" COMPILER...
"""
import concurrent.futures
import os
import pathlib
import re
import shlex
import subprocess
import sys

case_dir, include, extra, compiler = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
cases = sorted(pathlib.Path(case_dir).glob("case_*.cpp"))
if not cases:
    sys.exit(f"no cases in {case_dir}")


def check(case):
    expects = re.findall(r"^// expect: (.*)$", case.read_text(), re.M)
    cmd = compiler + ["-std=c++20", "-fsyntax-only", "-I", include] + shlex.split(extra) + [str(case)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    errors = [l for l in r.stderr.splitlines() if "error" in l]
    first = errors[0] if errors else ""
    if r.returncode == 0:
        return False, f"FAIL {case.name}: compiled, but must not"
    if not all(e in first for e in expects):
        return False, f"FAIL {case.name}: first error line lacks {expects}:\n  {first}"
    return True, f"ok   {case.name}: {first.strip()[:200]}"


with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
    results = list(pool.map(check, cases))
for _, line in results:
    print(line)
sys.exit(0 if all(ok for ok, _ in results) else 1)
