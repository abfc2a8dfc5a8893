# MXNet 1.9.1 peer of bench/mlp_step.cpp: one training step of the 784-512-512-10 MLP (relu,
# SoftmaxOutput) at batch 32, 128 and 512 through mx.mod.Module: forward(batch, is_train=True),
# backward(), update() with SGD (lr 0.1, momentum 0.9, rescale_grad 1/batch as Module sets it),
# Xavier weights, random pixels in [0,1) and labels 0..9, the same batch every step. MXNet runs
# asynchronously, so each step ends with mx.nd.waitall(). Each sample runs enough steps for
# --min-ms; the median per-step time over --reps samples.
#
#   /opt/mxnet-venv/bin/python bench/peers/mlp_step_mxnet.py [--reps 11] [--threads 2] [--batch 32 128 512]
import os, sys

# Thread limits must be in the environment before mxnet is imported.
from peer_common import set_threads, timed, micro_args, mxnet_mlp_hidden
_threads = set_threads(mxnet=True)

import logging, statistics, time
import numpy as np
import mxnet as mx



def main():
    a = micro_args(batches=[32, 128, 512])
    logging.getLogger().setLevel(logging.WARNING)
    feats = mx.runtime.Features()
    print(f'mxnet {mx.__version__}, threads {a.threads}, oneDNN built in: {feats.is_enabled("MKLDNN")}, '
          f'MXNET_MKLDNN_ENABLED={os.environ.get("MXNET_MKLDNN_ENABLED", "<unset>")}')
    h = mxnet_mlp_hidden(mx)
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(h, num_hidden=10, name='fc3'), name='softmax')
    rng = np.random.RandomState(1)
    for n in a.batch:
        mod = mx.mod.Module(net, context=mx.cpu())
        mod.bind(data_shapes=[('data', (n, 784))], label_shapes=[('softmax_label', (n,))])
        mod.init_params(initializer=mx.init.Xavier())
        mod.init_optimizer(optimizer='sgd', optimizer_params={'learning_rate': 0.1, 'momentum': 0.9})
        batch = mx.io.DataBatch(data=[mx.nd.array(rng.uniform(0, 1, (n, 784)))],
                                label=[mx.nd.array(rng.randint(0, 10, n))])

        def step():
            mod.forward(batch, is_train=True)
            mod.backward()
            mod.update()
            mx.nd.waitall()

        per = timed(step, a.reps, a.min_ms)
        med = statistics.median(per)
        print(f'batch {n}: median {med:.4f} ms  min {min(per):.4f}  max {max(per):.4f}  ({len(per)} reps)')
        print(f'RESULT mxnet_mlp_step_b{n} {med:.4f} ms', flush=True)


if __name__ == '__main__':
    main()
