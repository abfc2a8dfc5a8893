# PyTorch peer of bench/rnn_lstm.cpp: nn.LSTM(75, 256, num_layers=2, batch_first=True) on a
# (128,49,75) input, forward + backward of output.sum() (head gradient all ones), median over
# --reps after two warm-ups.
#
#   /usr/bin/python3 bench/peers/rnn_torch.py [--reps 10] [--threads 2]
import os, sys

_a = sys.argv
_threads = _a[_a.index('--threads') + 1] if '--threads' in _a[:-1] else '2'
os.environ['OMP_NUM_THREADS'] = _threads

import argparse, statistics, time
import torch


def main():
    p = argparse.ArgumentParser(allow_abbrev=False)
    p.add_argument('--reps', type=int, default=10)
    p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()
    if os.environ['OMP_NUM_THREADS'] != str(a.threads):
        p.error('write the thread count as two words: --threads N')
    torch.set_num_threads(a.threads)
    torch.manual_seed(7)
    print(f'torch {torch.__version__}, threads {torch.get_num_threads()}')
    lstm = torch.nn.LSTM(75, 256, num_layers=2, batch_first=True)
    x = torch.empty(128, 49, 75).uniform_(-0.1, 0.1).requires_grad_()
    ms = []
    for r in range(a.reps + 2):
        t0 = time.perf_counter()
        out, _ = lstm(x)
        out.sum().backward()
        if r >= 2:
            ms.append((time.perf_counter() - t0) * 1e3)
        lstm.zero_grad(set_to_none=True)
        x.grad = None
    med = statistics.median(ms)
    print(f'lstm: median {med:.3f} ms  min {min(ms):.3f}  max {max(ms):.3f}  ({len(ms)} reps)')
    print(f'RESULT torch_lstm_fwdbwd {med:.3f} ms')


if __name__ == '__main__':
    main()
