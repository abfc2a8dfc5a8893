# MXNet 1.9.1 peer of bench/infer_latency.cpp, batch 1, symbolic executors bound with
# grad_req='null', forward(is_train=False) and wait_to_read() on the outputs:
#   mlp   the 784-512-512-10 MLP (relu) followed by softmax
#   lstm  one step of mx.rnn.LSTMCell(256, prefix='lstm_') on data (1,75) with the states h, c
#         (1,256) as inputs, outputs the next h and c
# Per-call latency in microseconds: each sample runs enough calls for --min-ms; the median over
# --reps samples.
#
#   /opt/mxnet-venv/bin/python bench/peers/infer_latency_mxnet.py [--reps 11] [--threads 2]
import os, sys

# Thread limits must be in the environment before mxnet is imported.
from peer_common import set_threads, timed, micro_args, mxnet_mlp_hidden
_threads = set_threads(mxnet=True)

import logging, statistics, time
import numpy as np
import mxnet as mx



def bind(sym, shapes):
    exe = sym.simple_bind(mx.cpu(), grad_req='null', **shapes)
    rng = np.random.RandomState(7)
    for arr in exe.arg_arrays:
        arr[:] = rng.uniform(-0.05, 0.05, arr.shape)

    def call():
        for o in exe.forward(is_train=False):
            o.wait_to_read()
    return call


def main():
    a = micro_args()
    logging.getLogger().setLevel(logging.WARNING)
    feats = mx.runtime.Features()
    print(f'mxnet {mx.__version__}, threads {a.threads}, oneDNN built in: {feats.is_enabled("MKLDNN")}, '
          f'MXNET_MKLDNN_ENABLED={os.environ.get("MXNET_MKLDNN_ENABLED", "<unset>")}')
    h = mxnet_mlp_hidden(mx)
    mlp = mx.sym.softmax(mx.sym.FullyConnected(h, num_hidden=10, name='fc3'))
    cell = mx.rnn.LSTMCell(256, prefix='lstm_')
    _, (nh, nc) = cell(mx.sym.var('data'), [mx.sym.var('h'), mx.sym.var('c')])
    lstm = mx.sym.Group([nh, nc])
    for name, call in (('mlp', bind(mlp, {'data': (1, 784)})),
                       ('lstm', bind(lstm, {'data': (1, 75), 'h': (1, 256), 'c': (1, 256)}))):
        per = timed(call, a.reps, a.min_ms, unit=1e6)
        med = statistics.median(per)
        print(f'{name}: median {med:.2f} us  min {min(per):.2f}  max {max(per):.2f}  ({len(per)} reps)')
        print(f'RESULT mxnet_infer_{name}_b1 {med:.3f} us', flush=True)


if __name__ == '__main__':
    main()
