# MXNet 1.9.1 peer of bench/rnn_lstm.cpp: forward+backward of the notebook's two-layer LSTM
# (T=49, batch 128, 75 inputs, 256 hidden), head gradient all ones, median over --reps after
# two warm-ups. (a) two unrolled mx.rnn.LSTMCell on NTC input (128,49,75);
# (b) the fused RNN operator (mx.sym.RNN, mode lstm, 2 layers, via FusedRNNCell) on TNC (49,128,75).
#
#   /opt/mxnet-venv/bin/python bench/peers/rnn_mxnet.py [--reps 10] [--threads 2] [--only unrolled|fused]
import os, sys

# Thread limits must be in the environment before mxnet is imported.
_a = sys.argv
_threads = _a[_a.index('--threads') + 1] if '--threads' in _a[:-1] else '2'
os.environ['OMP_NUM_THREADS'] = _threads
os.environ['MXNET_CPU_WORKER_NTHREADS'] = '1'  # MXNet's default: one engine worker, OpenMP inside operators

import argparse, statistics, time
import numpy as np
import mxnet as mx

T, N, C, H = 49, 128, 75, 256


def bench(name, out, data_shape, reps):
    exe = out.simple_bind(mx.cpu(), grad_req='write', data=data_shape)
    rng = np.random.RandomState(7)
    for arr in exe.arg_arrays:
        arr[:] = rng.uniform(-0.1, 0.1, arr.shape)
    head = mx.nd.ones(exe.outputs[0].shape)
    ms = []
    for r in range(reps + 2):
        t0 = time.perf_counter()
        exe.forward(is_train=True)
        exe.backward(head)
        mx.nd.waitall()
        if r >= 2:
            ms.append((time.perf_counter() - t0) * 1e3)
    med = statistics.median(ms)
    print(f'{name}: median {med:.3f} ms  min {min(ms):.3f}  max {max(ms):.3f}  ({len(ms)} reps)')
    print(f'RESULT mxnet_{name}_fwdbwd {med:.3f} ms', flush=True)


def main():
    p = argparse.ArgumentParser(allow_abbrev=False)
    p.add_argument('--reps', type=int, default=10)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--only', choices=['unrolled', 'fused'])
    a = p.parse_args()
    if os.environ['OMP_NUM_THREADS'] != str(a.threads):
        p.error('write the thread count as two words: --threads N')
    feats = mx.runtime.Features()
    print(f'mxnet {mx.__version__}, threads {a.threads}, oneDNN built in: {feats.is_enabled("MKLDNN")}, '
          f'MXNET_MKLDNN_ENABLED={os.environ.get("MXNET_MKLDNN_ENABLED", "<unset>")}')
    data = mx.sym.var('data')
    if a.only in (None, 'unrolled'):
        l1, l2 = mx.rnn.LSTMCell(H, prefix='lstm1_'), mx.rnn.LSTMCell(H, prefix='lstm2_')
        o1, _ = l1.unroll(T, data, layout='NTC', merge_outputs=False)
        o2, _ = l2.unroll(T, o1, layout='NTC', merge_outputs=True)
        bench('unrolled', o2, (N, T, C), a.reps)
    if a.only in (None, 'fused'):
        cell = mx.rnn.FusedRNNCell(H, num_layers=2, mode='lstm', prefix='lstm_')
        out, _ = cell.unroll(T, data, layout='TNC', merge_outputs=True)
        try:
            bench('fused', out, (T, N, C), a.reps)
            print('fused RNN operator: ran')
        except mx.base.MXNetError as e:
            print(f'fused RNN operator: did NOT run: {str(e).splitlines()[0]}')


if __name__ == '__main__':
    main()
