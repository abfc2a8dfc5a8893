# PyTorch peer of bench/mlp_step.cpp: one training step of the 784-512-512-10 MLP (relu) at
# batch 32, 128 and 512: forward, CrossEntropyLoss (mean over the batch), zero_grad, backward and
# SGD (lr 0.1, momentum 0.9). Xavier-uniform weights, zero biases, random pixels in [0,1) and
# labels 0..9, the same batch every step. Each sample runs enough steps for --min-ms; the median
# per-step time over --reps samples.
#
#   /usr/bin/python3 bench/peers/mlp_step_torch.py [--reps 11] [--threads 2] [--batch 32 128 512]
import os, sys

from peer_common import set_threads, timed, micro_args, torch_mlp
_threads = set_threads()

import statistics, time
import torch
from torch import nn



def main():
    a = micro_args(batches=[32, 128, 512])
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    print(f'torch {torch.__version__}, threads {torch.get_num_threads()}')
    for n in a.batch:
        net = torch_mlp(nn)
        for m in net:
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)
        opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
        loss_fn = nn.CrossEntropyLoss()
        x = torch.rand(n, 784)
        y = torch.randint(0, 10, (n,))

        def step():
            opt.zero_grad()
            loss = loss_fn(net(x), y)
            loss.backward()
            opt.step()

        per = timed(step, a.reps, a.min_ms)
        med = statistics.median(per)
        print(f'batch {n}: median {med:.4f} ms  min {min(per):.4f}  max {max(per):.4f}  ({len(per)} reps)')
        print(f'RESULT torch_mlp_step_b{n} {med:.4f} ms', flush=True)


if __name__ == '__main__':
    main()
