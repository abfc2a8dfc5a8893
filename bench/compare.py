#!/usr/bin/env python3
"""Runs a symgrad benchmark and its peers in the same run, interleaved (A B C A B C ...), and
prints the median of each measurement over the rounds and the ratios, as a Markdown table.

    python3 bench/compare.py rnn [--rounds 3] [--build build]   # bench/rnn_lstm vs MXNet, PyTorch
    python3 bench/compare.py mlp [--rounds 3] [--build build]   # bench/train_mlp vs MXNet, PyTorch
    python3 bench/compare.py images [--rounds 3] [--threads 2]  # im2rec and ImageRecordIter vs MXNet
    python3 bench/compare.py lenet [--rounds 3]                  # bench/train_lenet vs MXNet, PyTorch
    python3 bench/compare.py resnet [--rounds 3]                 # bench/resnet_step vs MXNet, PyTorch
    python3 bench/compare.py mlp_step [--rounds 3] [--threads 2] # bench/mlp_step vs MXNet Module, PyTorch loop
    python3 bench/compare.py infer [--rounds 3] [--threads 2]    # bench/infer_latency vs MXNet, PyTorch eager
    python3 bench/compare.py gemm [--rounds 3] [--threads 2]     # bench/gemm (FullyConnected vs raw cblas_sgemm)
    python3 bench/compare.py elementwise [--rounds 3] [--threads 2]  # bench/elementwise (fused vs unfused, triad)
    python3 bench/compare.py zoo [--rounds 3] [--zoo-threads 1 2] [--models NAME ...] [--batch 1 8]
                                 [--export build/zoo] [--depthwise simd|loops|both]  # bench/zoo vs MXNet simple_bind

--threads N is given to every program of a run: the peers' --threads (OMP_NUM_THREADS,
torch.set_num_threads) and, for the symgrad microbenchmarks, OMP_NUM_THREADS, which both
symgrad's thread pool and OpenBLAS read. The thread count is printed with the table.

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


IMAGES_WORK = "/tmp/symgrad_bench_images"
IMAGES_COUNT = 2000


def images_setup(build):
    """A folder of 2000 Fashion-MNIST images as 128x128 JPEGs, one list for both tools, and a
    one-image list that measures each tool's start-up time."""
    import shutil
    if not os.path.isdir(os.path.join(IMAGES_WORK, "folder")):
        os.makedirs(IMAGES_WORK, exist_ok=True)
        subprocess.run([os.path.join(build, "bench", "image_pipeline"), "--make-folder",
                        os.path.join(IMAGES_WORK, "folder"), "--count", str(IMAGES_COUNT), "--size", "128"], check=True)
    subprocess.run([os.path.join(build, "tools", "im2rec"), "--list", "--recursive",
                    os.path.join(IMAGES_WORK, "all"), os.path.join(IMAGES_WORK, "folder")], check=True,
                   stdout=subprocess.DEVNULL)
    lines = open(os.path.join(IMAGES_WORK, "all.lst")).readlines()
    for who in ("sg", "mx"):
        shutil.copy(os.path.join(IMAGES_WORK, "all.lst"), os.path.join(IMAGES_WORK, who + ".lst"))
        with open(os.path.join(IMAGES_WORK, who + "1.lst"), "w") as f:
            f.write(lines[0])


class Timed:
    """A command whose wall time becomes images/s, after subtracting its time on one image."""

    def __init__(self, name, cmd, one_cmd, images):
        self.name, self.cmd, self.one_cmd, self.images = name, cmd, one_cmd, images


def run_timed(t):
    import time
    def wall(cmd):
        s = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - s
    start = wall(t.one_cmd)
    full = wall(t.cmd)
    return f"RESULT {t.name} {(t.images - 1) / max(full - start, 1e-9):.1f} images/s"


ZOO_MODELS = ["resnet18_v1", "resnet50_v1", "mobilenet1.0", "mobilenetv2_1.0", "densenet121", "vgg11_bn",
              "inceptionv3"]


def zoo_programs(a):
    """bench/zoo and bench/peers/zoo_mxnet.py at each thread count, one process per count."""
    progs = []
    common = ["--export", a.export, "--models"] + a.models + ["--batch"] + [str(b) for b in a.batch]
    for th in a.zoo_threads:
        env = ["env", f"OMP_NUM_THREADS={th}", f"SYMGRAD_NUM_THREADS={th}"]
        progs.append((f"symgrad t{th}", env + [os.path.join(a.build, "bench", "zoo")] + common +
                      ["--depthwise", a.depthwise]))
        progs.append((f"mxnet t{th}", [MXNET_PY, os.path.join(HERE, "peers", "zoo_mxnet.py")] + common +
                      ["--threads", str(th)]))
    return progs


def zoo_table(a, med):
    """symgrad / MXNet ms and their ratio per network, batch and thread count."""
    cols = [(b, th) for th in a.zoo_threads for b in a.batch]
    print()
    print("| network | " + " | ".join(f"batch {b}, {th} thread{'s' if th > 1 else ''}: symgrad / MXNet ms"
                                        for b, th in cols) + " |")
    print("|---|" + "---|" * len(cols))
    rows = [(m, m) for m in a.models]
    if a.depthwise == "both":  # the same networks with the direct depthwise loops
        rows += [(m + " (depthwise loops)", m + "_dwloops") for m in a.models if m.startswith("mobilenet")]
    for label, m in rows:
        cells = []
        for b, th in cols:
            mx = m.replace("_dwloops", "")
            sgv, mxv = med.get(f"symgrad_zoo_{m}_b{b}_t{th}"), med.get(f"mxnet_zoo_{mx}_b{b}_t{th}")
            cells.append(f"{fmt(sgv)} / {fmt(mxv)} ({sgv / mxv:.2f}×)" if sgv and mxv else "n/a")
        print(f"| {label} | " + " | ".join(cells) + " |")


def programs(which, build, threads):
    t = ["--threads", str(threads)]
    if which == "images":
        im2rec_py = os.path.join(os.path.dirname(MXNET_PY), "..", "lib", "python3.11", "site-packages", "mxnet",
                                 "tools", "im2rec.py")
        flags = ["--resize", "64", "--quality", "90", "--num-thread", str(threads)]
        folder = os.path.join(IMAGES_WORK, "folder")
        sg_tool = os.path.join(build, "tools", "im2rec")
        w = IMAGES_WORK
        return [
            ("symgrad im2rec", Timed("symgrad_im2rec", [sg_tool] + flags + [w + "/sg", folder],
                                     [sg_tool] + flags + [w + "/sg1", folder], IMAGES_COUNT)),
            ("mxnet im2rec", Timed("mxnet_im2rec", [MXNET_PY, im2rec_py] + flags + [w + "/mx", folder],
                                   [MXNET_PY, im2rec_py] + flags + [w + "/mx1", folder], IMAGES_COUNT)),
            ("symgrad iter", [os.path.join(build, "bench", "image_pipeline"), "--iter", w + "/mx.rec"] + t),
            ("mxnet iter", [MXNET_PY, os.path.join(HERE, "peers", "iter_mxnet.py"), w + "/mx.rec"] + t),
        ]
    if which == "rnn":
        return [
            ("symgrad", [os.path.join(build, "bench", "rnn_lstm"), "--reps", "5"]),
            ("mxnet", [MXNET_PY, os.path.join(HERE, "peers", "rnn_mxnet.py"), "--reps", "5"] + t),
            ("torch", [TORCH_PY, os.path.join(HERE, "peers", "rnn_torch.py"), "--reps", "5"] + t),
        ]
    if which == "resnet":
        return [
            ("symgrad", [os.path.join(build, "bench", "resnet_step")]),
            ("mxnet", [MXNET_PY, os.path.join(HERE, "peers", "resnet_mxnet.py")] + t),
            ("torch", [TORCH_PY, os.path.join(HERE, "peers", "resnet_torch.py")] + t),
        ]
    if which == "lenet":
        return [
            ("symgrad", [os.path.join(build, "bench", "train_lenet"), "--epochs", "2"]),
            ("mxnet", [MXNET_PY, os.path.join(HERE, "peers", "lenet_mxnet.py"), "--epochs", "2"] + t),
            ("torch", [TORCH_PY, os.path.join(HERE, "peers", "lenet_torch.py"), "--epochs", "2"] + t),
        ]
    env = ["env", f"OMP_NUM_THREADS={threads}"]
    if which == "mlp_step":
        return [
            ("symgrad", env + [os.path.join(build, "bench", "mlp_step"), "--reps", "7"]),
            ("mxnet", [MXNET_PY, os.path.join(HERE, "peers", "mlp_step_mxnet.py"), "--reps", "7"] + t),
            ("torch", [TORCH_PY, os.path.join(HERE, "peers", "mlp_step_torch.py"), "--reps", "7"] + t),
        ]
    if which == "infer":
        return [
            ("symgrad", env + [os.path.join(build, "bench", "infer_latency"), "--reps", "7"]),
            ("mxnet", [MXNET_PY, os.path.join(HERE, "peers", "infer_latency_mxnet.py"), "--reps", "7"] + t),
            ("torch", [TORCH_PY, os.path.join(HERE, "peers", "infer_latency_torch.py"), "--reps", "7"] + t),
        ]
    if which == "gemm":  # its peer (raw cblas_sgemm) runs inside the program, interleaved
        return [("symgrad", env + [os.path.join(build, "bench", "gemm"), "--reps", "7"])]
    if which == "elementwise":  # its peers (a plain loop, STREAM triad) run inside the program
        return [("symgrad", env + [os.path.join(build, "bench", "elementwise"), "--reps", "7"])]
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
    "lenet": [
        ("symgrad_lenet_train", "mxnet_lenet_train", "symgrad / MXNet Module.fit (samples/s; > 1 is faster)"),
        ("symgrad_lenet_train", "torch_lenet_train", "symgrad / PyTorch loop (samples/s)"),
    ],
    "resnet": [
        ("symgrad_resnet_fwdbwd", "mxnet_resnet_fwdbwd", "symgrad / MXNet (oneDNN) forward+backward time (< 1 is faster)"),
        ("symgrad_resnet_fwdbwd", "torch_resnet_fwdbwd", "symgrad / PyTorch forward+backward time"),
    ],
    "images": [
        ("symgrad_im2rec", "mxnet_im2rec", "symgrad im2rec / MXNet im2rec.py (images/s; > 1 is faster)"),
        ("symgrad_iter", "mxnet_iter", "symgrad / MXNet ImageRecordIter (images/s)"),
    ],
    "mlp_step": [
        (f"symgrad_mlp_step_{how}_b{n}", f"{peer}_mlp_step_b{n}", f"symgrad {how} / {label} at batch {n} (time; < 1 is faster)")
        for n in (32, 128, 512) for how in ("module", "exec")
        for peer, label in (("mxnet", "MXNet Module"), ("torch", "PyTorch loop"))
    ],
    "infer": [
        ("symgrad_infer_mlp_b1", "torch_infer_mlp_b1", "symgrad MLP / PyTorch eager (time; < 1 is faster)"),
        ("symgrad_infer_mlp_b1", "mxnet_infer_mlp_b1", "symgrad MLP / MXNet executor (time)"),
        ("symgrad_infer_mlp_b1", "symgrad_infer_mlp_hand_b1", "symgrad MLP / hand loop, same cblas calls (time)"),
        ("symgrad_infer_lstm_b1", "torch_infer_lstm_b1", "symgrad LSTM step / torch.nn.LSTMCell (time)"),
        ("symgrad_infer_lstm_b1", "mxnet_infer_lstm_b1", "symgrad LSTM step / MXNet LSTMCell (time)"),
    ],
    "gemm": [
        (f"symgrad_gemm_{how}_{s}", f"symgrad_gemm_blas_{s}", f"FullyConnected{' no_bias' if how == 'fc_no_bias' else ''} / raw cblas_sgemm at {s} (GFLOP/s; > 1 is faster)")
        for s in ("128x784x512", "512x784x512", "1024x1024x1024") for how in ("fc", "fc_no_bias")
    ],
    "elementwise": [
        ("symgrad_elementwise_fused2", "symgrad_elementwise_triad", "fused a*b+c*d / STREAM triad (GB/s)"),
        ("symgrad_elementwise_fused2", "symgrad_elementwise_unfused2", "fused a*b+c*d / unfused Symbol ops (GB/s)"),
        ("symgrad_elementwise_fused2", "symgrad_elementwise_hand2", "fused a*b+c*d / plain loop (GB/s)"),
        ("symgrad_elementwise_fused6", "symgrad_elementwise_triad", "fused 6-op chain / STREAM triad (GB/s)"),
        ("symgrad_elementwise_fused6", "symgrad_elementwise_unfused6", "fused 6-op chain / unfused Symbol ops (GB/s)"),
        ("symgrad_elementwise_fused6", "symgrad_elementwise_hand6", "fused 6-op chain / hand xsimd loop (GB/s)"),
    ],
    "mlp": [
        ("symgrad_mlp_train", "mxnet_mlp_train", "symgrad / MXNet Module.fit (samples/s; > 1 is faster)"),
        ("symgrad_mlp_train", "torch_mlp_train", "symgrad / PyTorch loop (samples/s)"),
    ],
}


def fmt(x):
    """One decimal for large values (samples/s, ms), four significant digits for small ones (us, ratios)."""
    return f"{x:.1f}" if abs(x) >= 100 else f"{x:.4g}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("which", choices=["rnn", "mlp", "images", "lenet", "resnet", "mlp_step", "infer", "gemm", "elementwise",
                                      "zoo"])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--build", default="build")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--zoo-threads", type=int, nargs="+", default=[1, 2], help="zoo: thread counts")
    ap.add_argument("--models", nargs="+", default=ZOO_MODELS, choices=ZOO_MODELS, help="zoo: networks")
    ap.add_argument("--batch", type=int, nargs="+", default=[1, 8], help="zoo: batch sizes")
    ap.add_argument("--export", default="build/zoo", help="zoo: folder of the exported networks")
    ap.add_argument("--depthwise", default="simd", choices=["simd", "loops", "both"],
                    help="zoo: symgrad's depthwise kernel (both: also the direct loops, as <net>_dwloops)")
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
    if a.which == "images":
        images_setup(a.build)
    if a.which == "zoo":  # export what is missing (random weights, nothing downloaded)
        subprocess.run([MXNET_PY, os.path.join(HERE, "peers", "zoo_mxnet.py"), "--export", a.export, "--models"] +
                       a.models + ["--no-time", "--threads", "1"], check=True, stdout=subprocess.DEVNULL)
    progs = zoo_programs(a) if a.which == "zoo" else programs(a.which, a.build, a.threads)
    for r in range(a.rounds):
        for who, cmd in progs:
            if isinstance(cmd, Timed):
                out = run_timed(cmd)
            else:
                p = subprocess.run(cmd, capture_output=True, text=True)
                if p.returncode != 0:
                    sys.exit(f"{who} failed ({' '.join(cmd)}):\n{p.stdout}\n{p.stderr}")
                out = p.stdout
            for line in out.splitlines():
                parts = line.split()
                if len(parts) >= 4 and parts[0] == "RESULT":
                    values.setdefault(parts[1], []).append(float(parts[2]))
                    units[parts[1]] = " ".join(parts[3:])
            print(f"round {r + 1}: {who} done", file=sys.stderr)
    med = {k: statistics.median(v) for k, v in values.items()}
    threads = " ".join(map(str, a.zoo_threads)) if a.which == "zoo" else a.threads
    print(f"threads: {threads}; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '')}")
    print()
    print(f"| measurement | median of {a.rounds} rounds | all rounds |")
    print("|---|---|---|")
    for k in sorted(med):
        print(f"| {k} | {fmt(med[k])} {units[k]} | {', '.join(fmt(x) for x in values[k])} |")
    print()
    if a.which == "zoo":
        zoo_table(a, med)
        return
    print("| ratio | value |")
    print("|---|---|")
    for num, den, what in RATIOS[a.which]:
        if num in med and den in med:
            print(f"| {what} | {med[num] / med[den]:.2f} |")


if __name__ == "__main__":
    main()
