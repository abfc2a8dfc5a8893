# PyTorch peer of bench/train_mlp.cpp: the 784-256-128-10 MLP (relu) trained with
# CrossEntropyLoss and SGD (lr 0.1, momentum 0.9, weight_decay 1e-4), xavier_uniform weights and
# zero biases, batch 100 reshuffled each epoch, pixels / 256 as MXNet's MNISTIter does. Plain
# loop over tensors read from the gzip'd idx files. Reports the training samples/s of the last
# epoch and the test accuracy.
#
#   /usr/bin/python3 bench/peers/mlp_torch.py [--epochs 2] [--lr 0.02] [--threads 2] \
#       [--dir /usr/share/datasets/fashion-mnist]
import os, sys

_a = sys.argv
_threads = _a[_a.index('--threads') + 1] if '--threads' in _a[:-1] else '2'
os.environ['OMP_NUM_THREADS'] = _threads

import argparse, gzip, time
import numpy as np
import torch
from torch import nn


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        raw = f.read()
    ndim = raw[3]
    dims = np.frombuffer(raw, '>u4', ndim, 4)
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(d, split):
    x = read_idx(f'{d}/{split}-images-idx3-ubyte.gz').reshape(-1, 784).astype(np.float32) / 256
    y = read_idx(f'{d}/{split}-labels-idx1-ubyte.gz').astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


def main():
    p = argparse.ArgumentParser(allow_abbrev=False)
    p.add_argument('--epochs', type=int, default=2)
    p.add_argument('--lr', type=float, default=0.02)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--dir', default='/usr/share/datasets/fashion-mnist')
    a = p.parse_args()
    if os.environ['OMP_NUM_THREADS'] != str(a.threads):
        p.error('write the thread count as two words: --threads N')
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    xtr, ytr = load(a.dir, 'train')
    xte, yte = load(a.dir, 't10k')

    net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    for m in net:
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=a.lr, momentum=0.9, weight_decay=1e-4)

    bs, n = 100, xtr.shape[0] // 100 * 100
    for epoch in range(a.epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(xtr.shape[0])
        correct = 0
        for i in range(0, n, bs):
            idx = perm[i:i + bs]
            out = net(xtr[idx])
            loss = loss_fn(out, ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            correct += (out.argmax(1) == ytr[idx]).sum().item()
        secs = time.perf_counter() - t0
        print(f'Epoch[{epoch}] Train-accuracy={correct / n:.4f} Time cost={secs:.3f}')

    with torch.no_grad():
        acc = (net(xte).argmax(1) == yte).float().mean().item()
    sps = n / secs
    print(f'torch {torch.__version__}, threads {torch.get_num_threads()}, epochs {a.epochs}: '
          f'last epoch {secs:.3f} s, {sps:.1f} samples/s, test accuracy {acc:.4f}')
    print(f'RESULT torch_mlp_train {sps:.1f} samples/s')
    print(f'RESULT torch_mlp_test_acc {acc:.4f} fraction')


if __name__ == '__main__':
    main()
