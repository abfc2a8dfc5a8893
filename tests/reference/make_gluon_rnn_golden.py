"""Gluon recurrent networks exported by MXNet 1.9.1, for symgrad's loader.

Every hybridized gluon.rnn layer exports a _rnn_param_concat node (its weights flattened and
joined for the fused RNN operator) and a cell's unroll(..., merge_outputs=True) exports stack;
masked_sequence is a variable-length model (SequenceMask/Last/Reverse and other operators of
exported models).
For each network below this script draws the parameters (fixed seed), runs one batch, exports
  tests/data/gluon/<name>-symbol.json and <name>-0000.params   (HybridBlock.export)
  tests/data/gluon/<name>_io.params   the inputs by their graph names (data0, data1 ...) and
                                      MXNet's outputs out:<i>
and tests/test_module.cpp loads each export with symgrad and compares the outputs.

usage: /path/to/venv/bin/python make_gluon_rnn_golden.py tests/data/gluon
(oneDNN on, its default: with MXNET_MKLDNN_ENABLED=0, MXNet 1.9.1 fails on the fused LSTM
with states, "in_data.size() == num_inputs (4 vs. 3)")
"""
import os
import sys

import mxnet as mx
import numpy as np
from mxnet import gluon

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
mx.random.seed(11)
rng = np.random.RandomState(11)


def flat(x):
    return sum((flat(y) for y in x), []) if isinstance(x, (list, tuple)) else [x]


def export(name, net, inputs, call=lambda net, a: net(*a)):
    net.initialize(mx.init.Uniform(0.5))
    net.hybridize()
    arrays = [mx.nd.array(a) for a in inputs]
    outs = flat(call(net, arrays))
    net.export(os.path.join(out, name))
    io = {"data%d" % i: a for i, a in enumerate(arrays)}
    io.update({"out:%d" % i: o for i, o in enumerate(outs)})
    mx.nd.save(os.path.join(out, name + "_io.params"), io)
    print(name, {k: v.shape for k, v in io.items()})


# Fused layers called with their states, which become inputs of the exported graph (data1 ...)
# and outputs after the sequence.
with_states = lambda net, a: net(a[0], a[1:])
T, N, I = 3, 2, 5
lstm = gluon.rnn.LSTM(8, num_layers=2, input_size=I)
export("lstm", lstm, [rng.uniform(-1, 1, (T, N, I)), rng.uniform(-1, 1, (2, N, 8)),
                      rng.uniform(-1, 1, (2, N, 8))], with_states)
gru = gluon.rnn.GRU(6, num_layers=1, bidirectional=True, input_size=I, layout="NTC")
export("gru_bi", gru, [rng.uniform(-1, 1, (N, T, I)), rng.uniform(-1, 1, (2, N, 6))], with_states)


class Unrolled(gluon.HybridBlock):
    """An LSTM cell unrolled over 2 steps with merge_outputs=True (stack); zero begin states
    (_zeros with an unknown batch dimension)."""

    def __init__(self, **kw):
        super().__init__(**kw)
        with self.name_scope():
            self.cell = gluon.rnn.LSTMCell(4, input_size=3)

    def hybrid_forward(self, F, x):
        outputs, _ = self.cell.unroll(2, x, layout="NTC", merge_outputs=True)
        return outputs


export("cell_unroll", Unrolled(), [rng.uniform(-1, 1, (N, 2, 3))])


class MaskedSequence(gluon.HybridBlock):
    """A variable-length sequence model: token ids (T, N) and lengths (N,) through an Embedding and
    a fused LSTM, the steps past each length masked (SequenceMask), the last valid step
    (SequenceLast) beside the mean of the reversed valid steps (SequenceReverse, Cast,
    broadcast_like), a Dense layer, then hard_sigmoid and a few layout operators (take, flip,
    slice_like, squeeze, erf)."""

    def __init__(self, **kw):
        super().__init__(**kw)
        with self.name_scope():
            self.emb = gluon.nn.Embedding(7, 4)
            self.rnn = gluon.rnn.LSTM(5, input_size=4)
            self.out = gluon.nn.Dense(3, in_units=10)

    def hybrid_forward(self, F, tokens, lengths):
        h = self.rnn(self.emb(tokens))
        h = F.SequenceMask(h, lengths, use_sequence_length=True, value=0.0)
        last = F.SequenceLast(h, lengths, use_sequence_length=True)
        rev = F.SequenceReverse(h, lengths, use_sequence_length=True)
        count = F.broadcast_like(F.expand_dims(F.Cast(lengths, dtype="float32"), axis=1), last)
        y = self.out(F.concat(last, F.sum(rev, axis=0) / count, dim=1))
        picked = F.take(F.flip(y, axis=1), F.arange(0, 2), axis=1)
        return F.hard_sigmoid(y), F.erf(F.squeeze(F.slice_like(F.expand_dims(picked, 0), picked, axes=(1,)), axis=0))


export("masked_sequence", MaskedSequence(),
       [rng.randint(0, 7, (4, 3)).astype(np.float32), np.array([2, 4, 1], np.float32)])
