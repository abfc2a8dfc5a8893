"""Helpers shared by the peer scripts. Import it before mxnet or torch: set_threads() must put
the thread limits into the environment before either library loads."""
import logging
import os
import re
import sys
import time


def set_threads(mxnet=False):
    """OMP_NUM_THREADS from the command line's `--threads N` (default 2); for MXNet also one
    engine worker (its default: OpenMP inside the operators). Returns the count as a string."""
    a = sys.argv
    threads = a[a.index('--threads') + 1] if '--threads' in a[:-1] else '2'
    os.environ['OMP_NUM_THREADS'] = threads
    if mxnet:
        os.environ['MXNET_CPU_WORKER_NTHREADS'] = '1'
    return threads


def timed(call, reps, min_ms, unit=1e3):
    """Per-call times of `call` (unit 1e3: ms, 1e6: µs): two warm-up calls, then `reps` samples,
    each of enough calls to last at least `min_ms`."""
    call(); call()
    inner = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(inner):
            call()
        ms = (time.perf_counter() - t0) * 1e3
        if ms >= min_ms:
            break
        inner = max(inner + 1, int(inner * min_ms / max(ms, 1e-3) * 1.2))
    per = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner):
            call()
        per.append((time.perf_counter() - t0) * unit / inner)
    return per


class EpochTimes(logging.Handler):
    """Collects the seconds of each 'Epoch[i] Time cost=...' line that MXNet's Module.fit logs."""

    def __init__(self):
        super().__init__()
        self.secs = []

    def emit(self, record):
        m = re.search(r'Time cost=([0-9.]+)', record.getMessage())
        if m:
            self.secs.append(float(m.group(1)))


def micro_args(batches=None):
    """The microbenchmark peers' command line: --reps, --min-ms, --threads (checked against what
    set_threads() put into the environment) and, given default batch sizes, --batch."""
    import argparse
    p = argparse.ArgumentParser(allow_abbrev=False)
    p.add_argument('--reps', type=int, default=11)
    p.add_argument('--min-ms', type=float, default=20)
    p.add_argument('--threads', type=int, default=2)
    if batches is not None:
        p.add_argument('--batch', type=int, nargs='+', default=batches)
    a = p.parse_args()
    if os.environ['OMP_NUM_THREADS'] != str(a.threads):
        p.error('write the thread count as two words: --threads N')
    return a


def mxnet_mlp_hidden(mx):
    """The 784-512-512 relu body of the benchmarks' MLP as an MXNet symbol (fc3 goes on top)."""
    h = mx.sym.Activation(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=512, name='fc1'), act_type='relu')
    return mx.sym.Activation(mx.sym.FullyConnected(h, num_hidden=512, name='fc2'), act_type='relu')


def torch_mlp(nn):
    """The benchmarks' 784-512-512-10 relu MLP as a torch.nn.Sequential."""
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
