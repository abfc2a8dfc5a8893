# MXNet 1.9.1 peer of bench/train_mlp.cpp: Module.fit of the 784-256-128-10 MLP (relu,
# SoftmaxOutput) on Fashion-MNIST through mx.io.MNISTIter (flat, batch 100, shuffled), SGD
# (lr 0.1, momentum 0.9, wd 1e-4), Xavier init. Reports the training samples/s of the last epoch
# (from fit's own "Time cost", which excludes validation) and the test accuracy.
#
#   /opt/mxnet-venv/bin/python bench/peers/mlp_mxnet.py [--epochs 2] [--lr 0.02] [--threads 2] \
#       [--dir /usr/share/datasets/fashion-mnist]
import os, sys

# Thread limits must be in the environment before mxnet is imported.
_a = sys.argv
_threads = _a[_a.index('--threads') + 1] if '--threads' in _a[:-1] else '2'
os.environ['OMP_NUM_THREADS'] = _threads
os.environ['MXNET_CPU_WORKER_NTHREADS'] = '1'  # MXNet's default: one engine worker, OpenMP inside operators

import argparse, gzip, logging, re, shutil, tempfile
import mxnet as mx

from peer_common import EpochTimes


def main():
    p = argparse.ArgumentParser(allow_abbrev=False)
    p.add_argument('--epochs', type=int, default=2)
    p.add_argument('--lr', type=float, default=0.02)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--dir', default='/usr/share/datasets/fashion-mnist')
    a = p.parse_args()
    if os.environ['OMP_NUM_THREADS'] != str(a.threads):
        p.error('write the thread count as two words: --threads N')
    logging.basicConfig(level=logging.INFO, format='%(message)s')
    times = EpochTimes()
    logging.getLogger().addHandler(times)

    with tempfile.TemporaryDirectory() as tmp:
        # MNISTIter reads only uncompressed idx files.
        for f in ('train-images-idx3', 'train-labels-idx1', 't10k-images-idx3', 't10k-labels-idx1'):
            with gzip.open(f'{a.dir}/{f}-ubyte.gz', 'rb') as src, open(f'{tmp}/{f}-ubyte', 'wb') as dst:
                shutil.copyfileobj(src, dst)
        train = mx.io.MNISTIter(image=f'{tmp}/train-images-idx3-ubyte', label=f'{tmp}/train-labels-idx1-ubyte',
                                batch_size=100, shuffle=True, flat=True, seed=1)
        test = mx.io.MNISTIter(image=f'{tmp}/t10k-images-idx3-ubyte', label=f'{tmp}/t10k-labels-idx1-ubyte',
                               batch_size=100, shuffle=False, flat=True)

        h = mx.sym.Activation(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=256, name='fc1'), act_type='relu')
        h = mx.sym.Activation(mx.sym.FullyConnected(h, num_hidden=128, name='fc2'), act_type='relu')
        net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(h, num_hidden=10, name='fc3'), name='softmax')

        mod = mx.mod.Module(net, context=mx.cpu())
        mod.fit(train, eval_metric='acc', optimizer='sgd',
                optimizer_params={'learning_rate': a.lr, 'momentum': 0.9, 'wd': 1e-4},
                initializer=mx.init.Xavier(), num_epoch=a.epochs)
        acc = mod.score(test, 'acc')[0][1]

    sps = 60000 / times.secs[-1]
    print(f'mxnet {mx.__version__}, threads {a.threads}, epochs {a.epochs}: '
          f'last epoch {times.secs[-1]:.3f} s, {sps:.1f} samples/s, test accuracy {acc:.4f}')
    print(f'RESULT mxnet_mlp_train {sps:.1f} samples/s')
    print(f'RESULT mxnet_mlp_test_acc {acc:.4f} fraction')


if __name__ == '__main__':
    main()
