#!/usr/bin/env python3
"""Runs a symgrad benchmark and its peers in the same run, interleaved (A B C A B C ...), and
prints the median of each measurement over the rounds and the ratios, as a Markdown table.

    python3 bench/compare.py rnn [--rounds 3] [--build build]   # bench/rnn_lstm vs MXNet, PyTorch
    python3 bench/compare.py mlp [--rounds 3] [--build build]   # bench/train_mlp vs MXNet, PyTorch

Every program prints `RESULT <name> <value> <unit>` lines. Peers: bench/peers/README.md (MXNet
1.9.1 in /opt/mxnet-venv, Debian's python3-torch). Build first: ninja -C build bench/rnn_lstm
bench/train_mlp. Run it on an otherwise idle machine.
"""
import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MXNET_PY = os.environ.get("MXNET_PYTHON", "/opt/mxnet-venv/bin/python")
TORCH_PY = os.environ.get("TORCH_PYTHON", "/usr/bin/python3")


def programs(which, build, threads):
    t = ["--threads", str(threads)]
    if which == "rnn":
        return [
            ("symgrad", [os.path.join(build, "bench", "rnn_lstm"), "--reps", "5"]),
            ("mxnet", [MXNET_PY, os.path.join(HERE, "peers", "rnn_mxnet.py"), "--reps", "5"] + t),
            ("torch", [TORCH_PY, os.path.join(HERE, "peers", "rnn_torch.py"), "--reps", "5"] + t),
        ]
    return [
        ("symgrad", [os.path.join(build, "bench", "train_mlp"), "--epochs", "2"]),
        ("mxnet", [MXNET_PY, os.path.join(HERE, "peers", "mlp_mxnet.py"), "--epochs", "2"] + t),
        ("torch", [TORCH_PY, os.path.join(HERE, "peers", "mlp_torch.py"), "--epochs", "2"] + t),
    ]


# (numerator, denominator, what the ratio means)
RATIOS = {
    "rnn": [
        ("symgrad_fused_fwdbwd", "torch_lstm_fwdbwd", "symgrad fused / torch.nn.LSTM (time; < 1 is faster)"),
        ("symgrad_fused_fwdbwd", "mxnet_fused_fwdbwd", "symgrad fused / MXNet sym.RNN (time)"),
        ("symgrad_unrolled_fwdbwd", "mxnet_unrolled_fwdbwd", "symgrad unrolled / MXNet unrolled cells (time)"),
        ("symgrad_unrolled_fwdbwd", "symgrad_fused_fwdbwd", "symgrad unrolled / symgrad fused (time)"),
    ],
    "mlp": [
        ("symgrad_mlp_train", "mxnet_mlp_train", "symgrad / MXNet Module.fit (samples/s; > 1 is faster)"),
        ("symgrad_mlp_train", "torch_mlp_train", "symgrad / PyTorch loop (samples/s)"),
    ],
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("which", choices=["rnn", "mlp"])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--build", default="build")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    # The same BLAS kernels for every program (OpenBLAS, used by symgrad and PyTorch and bundled
    # with MXNet, falls back to generic kernels on CPUs it does not know): see README.md.
    if "OPENBLAS_CORETYPE" not in os.environ:
        flags = open("/proc/cpuinfo").read()
        if " avx512f" in flags:
            os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"
        elif " avx2" in flags:
            os.environ["OPENBLAS_CORETYPE"] = "Haswell"
    print(f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '')}", file=sys.stderr)
    values, units = {}, {}
    for r in range(a.rounds):
        for who, cmd in programs(a.which, a.build, a.threads):
            p = subprocess.run(cmd, capture_output=True, text=True)
            if p.returncode != 0:
                sys.exit(f"{who} failed ({' '.join(cmd)}):\n{p.stdout}\n{p.stderr}")
            for line in p.stdout.splitlines():
                parts = line.split()
                if len(parts) >= 4 and parts[0] == "RESULT":
                    values.setdefault(parts[1], []).append(float(parts[2]))
                    units[parts[1]] = " ".join(parts[3:])
            print(f"round {r + 1}: {who} done", file=sys.stderr)
    med = {k: statistics.median(v) for k, v in values.items()}
    print(f"| measurement | median of {a.rounds} rounds | all rounds |")
    print("|---|---|---|")
    for k in sorted(med):
        print(f"| {k} | {med[k]:.1f} {units[k]} | {', '.join(f'{x:.1f}' for x in values[k])} |")
    print()
    print("| ratio | value |")
    print("|---|---|")
    for num, den, what in RATIOS[a.which]:
        if num in med and den in med:
            print(f"| {what} | {med[num] / med[den]:.2f} |")


if __name__ == "__main__":
    main()
