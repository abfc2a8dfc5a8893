"""Symbol JSON written by the real MXNet 1.9.1, for symgrad's tojson/load tests.

Each network below is built inside a fresh mx.name.NameManager (automatic names count from 0)
and written with sym.tojson() to tests/data/json/<name>.json. tests/test_rnn.cpp builds the same
networks with symgrad (inside sg::sym::NameManager) and requires tojson() to give the same bytes,
and Symbol::load_json of each file to list the same arguments, outputs and auxiliary states and to
write the file back unchanged.

usage: /opt/mxnet-venv/bin/python tests/reference/make_json_golden.py tests/data/json
"""
import os
import sys

import mxnet as mx

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
sym = mx.sym
V = sym.Variable


def write(name, build):
    with mx.name.NameManager():
        s = build()
    with open(os.path.join(out, name + ".json"), "w") as f:
        f.write(s.tojson())
    print("%-16s args=%s outputs=%s" % (name, s.list_arguments(), s.list_outputs()))


def mlp():
    d = V("data")
    h = sym.Activation(sym.FullyConnected(d, num_hidden=16, name="fc1"), act_type="relu", name="relu1")
    return sym.SoftmaxOutput(sym.FullyConnected(h, num_hidden=10, name="fc2"), name="softmax")


def regression():
    # the notebook's first program: a linear model trained through MakeLoss, its prediction kept
    # out of the gradient with BlockGrad
    x = V("data")
    y = V("label")
    pred = sym.FullyConnected(x, num_hidden=1, name="fc")
    loss = sym.MakeLoss(sym.square(pred - y))
    return sym.Group([sym.BlockGrad(pred), loss])


def lstm():
    cell = mx.rnn.LSTMCell(8, prefix="lstm_")
    outs, states = cell.unroll(3, inputs=V("data"), merge_outputs=True)
    return sym.Group([outs] + list(states))


def gru_seq():
    stack = mx.rnn.SequentialRNNCell()
    stack.add(mx.rnn.GRUCell(6, prefix="g0_"))
    stack.add(mx.rnn.RNNCell(5, activation="relu", prefix="r1_"))
    outs, _ = stack.unroll(2, inputs=V("data"), layout="TNC", merge_outputs=False)
    return sym.Group(outs)


def fused():
    cell = mx.rnn.FusedRNNCell(8, num_layers=2, mode="lstm", bidirectional=True, prefix="f_")
    outs, _ = cell.unroll(4, inputs=V("data"), merge_outputs=True)
    return outs


def shapes():
    d = V("data")
    parts = sym.split(d, num_outputs=2, axis=1, name="sp")
    r = sym.reshape(parts[0], shape=(0, -1), name="r")
    t = sym.transpose(parts[1], axes=(0, 2, 1), name="t")
    c = sym.concat(r, sym.flatten(t, name="fl"), dim=1, name="cat")
    m = sym.sum(c * 2.0 + 1.0, axis=1, keepdims=True, name="s")
    return sym.Group([m, sym.softmax(c, axis=-1, name="sm")])


for name, build in (("mlp", mlp), ("regression", regression), ("lstm", lstm), ("gru_seq", gru_seq),
                    ("fused", fused), ("shapes", shapes)):
    write(name, build)
