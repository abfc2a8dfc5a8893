# PyTorch peer of bench/train_lenet.cpp: the same LeNet (Conv2d 5x5x20, ReLU, MaxPool 2, Conv2d
# 5x5x50, BatchNorm2d, ReLU, MaxPool 2, Linear 500, ReLU, Dropout 0.3, Linear 10) with
# CrossEntropyLoss and SGD (lr 0.05, momentum 0.9, weight_decay 1e-4) on the first 12 000
# Fashion-MNIST training images (pixels / 256), batch 64 reshuffled each epoch. Reports the
# samples/s of the last epoch.
#
#   /usr/bin/python3 bench/peers/lenet_torch.py [--epochs 2] [--threads 2] [--dir DIR]
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


def main():
    p = argparse.ArgumentParser(allow_abbrev=False)
    p.add_argument('--epochs', type=int, default=2)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--dir', default='/usr/share/datasets/fashion-mnist')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    x = torch.from_numpy(read_idx(f'{a.dir}/train-images-idx3-ubyte.gz')[:12000].reshape(-1, 1, 28, 28).astype(np.float32) / 256)
    y = torch.from_numpy(read_idx(f'{a.dir}/train-labels-idx1-ubyte.gz')[:12000].astype(np.int64))
    net = nn.Sequential(nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Conv2d(20, 50, 5), nn.BatchNorm2d(50),
                        nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(), nn.Linear(800, 500), nn.ReLU(), nn.Dropout(0.3),
                        nn.Linear(500, 10))
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
    bs, n = 64, 12000 // 64 * 64
    for epoch in range(a.epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(12000)
        for i in range(0, n, bs):
            idx = perm[i:i + bs]
            loss = loss_fn(net(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        secs = time.perf_counter() - t0
    sps = n / secs
    print(f'torch {torch.__version__} lenet, threads {torch.get_num_threads()}: last epoch {secs:.3f} s, {sps:.1f} samples/s')
    print(f'RESULT torch_lenet_train {sps:.1f} samples/s')


if __name__ == '__main__':
    main()
