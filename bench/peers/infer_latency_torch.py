# PyTorch peer of bench/infer_latency.cpp, batch 1, eager mode under torch.inference_mode():
#   mlp   the 784-512-512-10 MLP (relu) followed by softmax
#   lstm  one step of nn.LSTMCell(75, 256): (x, (h, c)) -> (h', c')
# Per-call latency in microseconds: each sample runs enough calls for --min-ms; the median over
# --reps samples.
#
#   /usr/bin/python3 bench/peers/infer_latency_torch.py [--reps 11] [--threads 2]
import os, sys

from peer_common import set_threads, timed, micro_args, torch_mlp
_threads = set_threads()

import statistics, time
import torch
from torch import nn



def main():
    a = micro_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(7)
    print(f'torch {torch.__version__}, threads {torch.get_num_threads()}')
    mlp = torch_mlp(nn).eval()
    x = torch.rand(1, 784)
    cell = nn.LSTMCell(75, 256).eval()
    xs, h, c = torch.rand(1, 75), torch.zeros(1, 256), torch.zeros(1, 256)
    with torch.inference_mode():
        for name, call in (('mlp', lambda: torch.softmax(mlp(x), 1)), ('lstm', lambda: cell(xs, (h, c)))):
            per = timed(call, a.reps, a.min_ms, unit=1e6)
            med = statistics.median(per)
            print(f'{name}: median {med:.2f} us  min {min(per):.2f}  max {max(per):.2f}  ({len(per)} reps)')
            print(f'RESULT torch_infer_{name}_b1 {med:.3f} us', flush=True)


if __name__ == '__main__':
    main()
