# PyTorch peer of bench/resnet_step.cpp: the same ResNet-18 (basic blocks, bias-free convolutions,
# BatchNorm2d eps 2e-5, Linear 1000) with CrossEntropyLoss on random data; times forward +
# loss.backward() in training mode, median of --reps after one warm-up step.
#
#   /usr/bin/python3 bench/peers/resnet_torch.py [--batch 16] [--size 112] [--reps 5] [--threads 2]
import os, sys
_a = sys.argv
_threads = _a[_a.index('--threads') + 1] if '--threads' in _a[:-1] else '2'
os.environ['OMP_NUM_THREADS'] = _threads
import argparse, statistics, time
import torch
from torch import nn


def conv_bn(cin, cout, k, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, k // 2, bias=False), nn.BatchNorm2d(cout, eps=2e-5))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.a = conv_bn(cin, cout, 3, stride)
        self.b = conv_bn(cout, cout, 3, 1)
        self.sc = conv_bn(cin, cout, 1, stride) if stride != 1 or cin != cout else nn.Identity()

    def forward(self, x):
        return torch.relu(self.b(torch.relu(self.a(x))) + self.sc(x))


def resnet18():
    layers = [conv_bn(3, 64, 7, 2), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for s, f in enumerate((64, 128, 256, 512)):
        for b in range(2):
            layers.append(Block(cin, f, 2 if b == 0 and s > 0 else 1))
            cin = f
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 1000)]
    return nn.Sequential(*layers)


def main():
    p = argparse.ArgumentParser(allow_abbrev=False)
    p.add_argument('--batch', type=int, default=16)
    p.add_argument('--size', type=int, default=112)
    p.add_argument('--reps', type=int, default=5)
    p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(5)
    net = resnet18().train()
    x = torch.rand(a.batch, 3, a.size, a.size) * 0.1 - 0.05
    y = torch.randint(0, 1000, (a.batch,))
    loss_fn = nn.CrossEntropyLoss()
    ms = []
    for r in range(a.reps + 1):
        t0 = time.perf_counter()
        net.zero_grad(set_to_none=False)
        loss_fn(net(x), y).backward()
        if r >= 1:
            ms.append((time.perf_counter() - t0) * 1000)
    med = statistics.median(ms)
    print(f'torch {torch.__version__} resnet18 {a.batch}x3x{a.size}x{a.size}, threads {torch.get_num_threads()}: median {med:.1f} ms')
    print(f'RESULT torch_resnet_fwdbwd {med:.3f} ms')
    print(f'RESULT torch_resnet_images {a.batch * 1000.0 / med:.2f} images/s')


if __name__ == '__main__':
    main()
