#!/bin/sh
# Writes tests/data/golden/*.params from the real MXNet 1.9.1 (see make_golden.py for the format).
#   usage: tests/reference/make_golden.sh [case ...]      (no case: all of them)
# The virtual environment lives outside the repository: $MXNET_VENV, default /opt/mxnet-venv.
# It is created when missing with $PYTHON (default python3); MXNet 1.9.1 needs Python <= 3.11
# and numpy < 1.24. Where pyenv is absent, Debian's /usr/bin/python3 (3.11, package python3-venv)
# works as well: PYTHON=/usr/bin/python3 tests/reference/make_golden.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv=${MXNET_VENV:-/opt/mxnet-venv}
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import mxnet" >/dev/null 2>&1; then
  "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/pip" install -q "mxnet==1.9.1" "numpy==1.23.5"
fi
# Plain kernels (no oneDNN) and a synchronous engine, so values are reproducible.
MXNET_MKLDNN_ENABLED=0 MXNET_ENGINE_TYPE=NaiveEngine MXNET_STORAGE_FALLBACK_LOG_VERBOSE=0 \
  "$venv/bin/python" "$here/make_golden.py" "$here/../data/golden" "$@"
MXNET_MKLDNN_ENABLED=1 MXNET_ENGINE_TYPE=NaiveEngine MXNET_STORAGE_FALLBACK_LOG_VERBOSE=0 \
  "$venv/bin/python" "$here/make_golden.py" "$here/../data/golden" "$@"
