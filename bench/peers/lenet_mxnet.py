# MXNet 1.9.1 peer of bench/train_lenet.cpp: Module.fit of the same LeNet (conv 5x5x20, relu,
# max pool, conv 5x5x50, BatchNorm, relu, max pool, FC 500, relu, Dropout 0.3, FC 10,
# SoftmaxOutput) on the first 12 000 Fashion-MNIST training images (MNISTIter num_parts=5,
# part_index=0, batch 64, shuffled), SGD lr 0.05 momentum 0.9 wd 1e-4, Xavier. Reports the
# samples/s of the last epoch (fit's "Time cost"). oneDNN as found (unset = on).
#
#   /opt/mxnet-venv/bin/python bench/peers/lenet_mxnet.py [--epochs 2] [--threads 2] [--dir DIR]
import os, sys
_a = sys.argv
_threads = _a[_a.index('--threads') + 1] if '--threads' in _a[:-1] else '2'
os.environ['OMP_NUM_THREADS'] = _threads
os.environ['MXNET_CPU_WORKER_NTHREADS'] = '1'
import argparse, gzip, logging, re, shutil, tempfile
import mxnet as mx

from peer_common import EpochTimes


def main():
    p = argparse.ArgumentParser(allow_abbrev=False)
    p.add_argument('--epochs', type=int, default=2)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--dir', default='/usr/share/datasets/fashion-mnist')
    a = p.parse_args()
    logging.basicConfig(level=logging.INFO, format='%(message)s')
    times = EpochTimes()
    logging.getLogger().addHandler(times)
    with tempfile.TemporaryDirectory() as tmp:
        for f in ('train-images-idx3', 'train-labels-idx1'):
            with gzip.open(f'{a.dir}/{f}-ubyte.gz', 'rb') as src, open(f'{tmp}/{f}-ubyte', 'wb') as dst:
                shutil.copyfileobj(src, dst)
        train = mx.io.MNISTIter(image=f'{tmp}/train-images-idx3-ubyte', label=f'{tmp}/train-labels-idx1-ubyte',
                                batch_size=64, shuffle=True, flat=False, seed=1, num_parts=5, part_index=0)
        s = mx.sym
        h = s.Convolution(s.var('data'), kernel=(5, 5), num_filter=20, name='conv1')
        h = s.Pooling(s.Activation(h, act_type='relu'), kernel=(2, 2), stride=(2, 2), pool_type='max')
        h = s.BatchNorm(s.Convolution(h, kernel=(5, 5), num_filter=50, name='conv2'), fix_gamma=False, name='bn2')
        h = s.Pooling(s.Activation(h, act_type='relu'), kernel=(2, 2), stride=(2, 2), pool_type='max')
        h = s.Dropout(s.Activation(s.FullyConnected(s.Flatten(h), num_hidden=500, name='fc1'), act_type='relu'), p=0.3)
        net = s.SoftmaxOutput(s.FullyConnected(h, num_hidden=10, name='fc2'), name='softmax')
        mod = mx.mod.Module(net, context=mx.cpu())
        mod.fit(train, eval_metric='acc', optimizer='sgd',
                optimizer_params={'learning_rate': 0.05, 'momentum': 0.9, 'wd': 1e-4},
                initializer=mx.init.Xavier(), num_epoch=a.epochs)
    n = 12000 // 64 * 64
    sps = n / times.secs[-1]
    print(f'mxnet {mx.__version__} lenet, MKLDNN={os.environ.get("MXNET_MKLDNN_ENABLED", "unset")}: '
          f'last epoch {times.secs[-1]:.3f} s, {sps:.1f} samples/s')
    print(f'RESULT mxnet_lenet_train {sps:.1f} samples/s')


if __name__ == '__main__':
    main()
