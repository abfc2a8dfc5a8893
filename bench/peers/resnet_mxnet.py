# MXNet 1.9.1 peer of bench/resnet_step.cpp: the same ResNet-18 symbol (resnet v1 basic blocks,
# no conv bias, BatchNorm eps 2e-5 with learnt gamma, FullyConnected 1000, SoftmaxOutput) bound
# with simple_bind on cpu, grad_req write; times forward(is_train=True) + backward(), median of
# --reps after one warm-up step. MXNet's pip build runs convolutions through oneDNN.
#
#   /opt/mxnet-venv/bin/python bench/peers/resnet_mxnet.py [--batch 16] [--size 112] [--reps 5] [--threads 2]
import os, sys
_a = sys.argv
_threads = _a[_a.index('--threads') + 1] if '--threads' in _a[:-1] else '2'
os.environ['OMP_NUM_THREADS'] = _threads
os.environ['MXNET_CPU_WORKER_NTHREADS'] = '1'
import argparse, statistics, time
import mxnet as mx
import numpy as np

sym = mx.sym


def conv_bn(x, filters, k, stride, name):
    c = sym.Convolution(x, kernel=(k, k), num_filter=filters, stride=(stride, stride), pad=(k // 2, k // 2),
                        no_bias=True, name=name + '_conv')
    return sym.BatchNorm(c, eps=2e-5, fix_gamma=False, name=name + '_bn')


def basic_block(x, filters, stride, project, name):
    h = sym.Activation(conv_bn(x, filters, 3, stride, name + '_1'), act_type='relu')
    h = conv_bn(h, filters, 3, 1, name + '_2')
    sc = conv_bn(x, filters, 1, stride, name + '_sc') if project else x
    return sym.Activation(h + sc, act_type='relu')


def resnet18():
    h = sym.Activation(conv_bn(sym.Variable('data'), 64, 7, 2, 'stem'), act_type='relu')
    h = sym.Pooling(h, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type='max')
    for s, f in enumerate((64, 128, 256, 512)):
        for b in range(2):
            first = b == 0 and s > 0
            h = basic_block(h, f, 2 if first else 1, first, 'stage%d_unit%d' % (s + 1, b + 1))
    h = sym.Flatten(sym.Pooling(h, kernel=(1, 1), pool_type='avg', global_pool=True))
    return sym.SoftmaxOutput(sym.FullyConnected(h, num_hidden=1000, name='fc'), name='softmax')


def main():
    p = argparse.ArgumentParser(allow_abbrev=False)
    p.add_argument('--batch', type=int, default=16)
    p.add_argument('--size', type=int, default=112)
    p.add_argument('--reps', type=int, default=5)
    p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()
    ex = resnet18().simple_bind(mx.cpu(), data=(a.batch, 3, a.size, a.size), softmax_label=(a.batch,))
    rng = np.random.RandomState(5)
    for name, arr in ex.arg_dict.items():
        if name == 'softmax_label':
            arr[:] = rng.randint(0, 1000, arr.shape)
        elif name.endswith('_gamma'):
            arr[:] = 1
        else:
            arr[:] = rng.uniform(-0.05, 0.05, arr.shape)
    ms = []
    for r in range(a.reps + 1):
        t0 = time.perf_counter()
        ex.forward(is_train=True)
        ex.backward()
        mx.nd.waitall()
        if r >= 1:
            ms.append((time.perf_counter() - t0) * 1000)
    med = statistics.median(ms)
    print(f'mxnet {mx.__version__} resnet18 {a.batch}x3x{a.size}x{a.size}, threads {a.threads}: median {med:.1f} ms')
    print(f'RESULT mxnet_resnet_fwdbwd {med:.3f} ms')
    print(f'RESULT mxnet_resnet_images {a.batch * 1000.0 / med:.2f} images/s')


if __name__ == '__main__':
    main()
