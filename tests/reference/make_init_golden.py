"""Writes tests/data/init/dumps.json and tests/data/init/values.json from MXNet 1.9.1.

dumps.json: case -> mx.init.X(...).dumps(); test_init.cpp builds the same initializers and
compares the strings, and checks that create(dumps()) rebuilds them.
values.json: the deterministic initializers' outputs (LSTMBias, Bilinear, FusedRNN with One)
and the per-gate names FusedRNN initializes, in order.

Run: /opt/mxnet-venv/bin/python tests/reference/make_init_golden.py
"""
import json
import os
import warnings

warnings.filterwarnings("ignore")
import mxnet as mx  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "init")

CASES = {
    "uniform_default": lambda: mx.init.Uniform(),
    "uniform_0.01": lambda: mx.init.Uniform(0.01),
    "uniform_0.0001": lambda: mx.init.Uniform(0.0001),
    "uniform_1e-05": lambda: mx.init.Uniform(1e-05),
    "normal_default": lambda: mx.init.Normal(),
    "normal_0.5": lambda: mx.init.Normal(0.5),
    "xavier_default": lambda: mx.init.Xavier(),
    "xavier_gaussian_in_2": lambda: mx.init.Xavier(rnd_type="gaussian", factor_type="in", magnitude=2),
    "xavier_out_2.34": lambda: mx.init.Xavier(factor_type="out", magnitude=2.34),
    "msraprelu_default": lambda: mx.init.MSRAPrelu(),
    "msraprelu_in_0.1": lambda: mx.init.MSRAPrelu("in", 0.1),
    "orthogonal_default": lambda: mx.init.Orthogonal(),
    "orthogonal_1.0_normal": lambda: mx.init.Orthogonal(scale=1.0, rand_type="normal"),
    "constant_0.5": lambda: mx.init.Constant(0.5),
    "constant_-2.0": lambda: mx.init.Constant(-2.0),
    "constant_array": lambda: mx.init.Constant(mx.nd.array([[1, 2], [3, 0.1]])),
    "zero": lambda: mx.init.Zero(),
    "one": lambda: mx.init.One(),
    "lstmbias_default": lambda: mx.init.LSTMBias(),
    "lstmbias_2.5": lambda: mx.init.LSTMBias(2.5),
    "bilinear": lambda: mx.init.Bilinear(),
    "fusedrnn_none_lstm": lambda: mx.init.FusedRNN(None, 10, 2, "lstm", True, 1.0),
    "fusedrnn_xavier_gru": lambda: mx.init.FusedRNN(mx.init.Xavier(magnitude=2), 8, 1, "gru"),
}


def fused_case(mode, num_hidden, num_layers, bidirectional, forget_bias, input_size):
    cell = mx.rnn.FusedRNNCell(num_hidden, num_layers, mode, bidirectional, forget_bias=forget_bias, prefix="")
    dirs = 2 if bidirectional else 1
    gates = {"lstm": 4, "gru": 3}.get(mode, 1)
    size = 0
    for layer in range(num_layers):
        width = input_size if layer == 0 else dirs * num_hidden
        size += dirs * gates * num_hidden * (width + num_hidden + 2)
    arr = mx.nd.zeros((size,))
    init = mx.init.FusedRNN(mx.init.One(), num_hidden, num_layers, mode, bidirectional, forget_bias)
    # Called directly: MXNet 1.9.1 cannot rebuild a FusedRNN whose init is not None from its JSON
    # (FusedRNN.__init__ looks the inner name up in the wrong registry table).
    init._init_weight(mx.init.InitDesc("parameters", {}, global_init=mx.init.Uniform()), arr)
    names = list(cell.unpack_weights({"parameters": arr}).keys())
    return {"mode": mode, "num_hidden": num_hidden, "num_layers": num_layers, "bidirectional": bidirectional,
            "forget_bias": forget_bias, "input_size": input_size, "dumps": init.dumps(),
            "values": arr.asnumpy().tolist(), "names": names}


def main():
    os.makedirs(OUT, exist_ok=True)
    dumps = {k: f().dumps() for k, f in CASES.items()}
    with open(os.path.join(OUT, "dumps.json"), "w") as f:
        json.dump(dumps, f, indent=1, sort_keys=True)
        f.write("\n")

    lstm = mx.nd.zeros((12,))
    mx.init.LSTMBias(2.5)._init_weight("i2h_bias", lstm)
    bil = mx.nd.zeros((2, 1, 3, 4))
    mx.init.Bilinear()._init_weight("up_weight", bil)
    values = {
        "lstmbias": {"forget_bias": 2.5, "shape": [12], "values": lstm.asnumpy().tolist()},
        "bilinear": {"shape": [2, 1, 3, 4], "values": bil.asnumpy().ravel().tolist()},
        "fusedrnn": [fused_case("lstm", 2, 2, True, 1.5, 3), fused_case("gru", 3, 1, False, 1.0, 2),
                     fused_case("rnn_tanh", 2, 2, False, 1.0, 4)],
    }
    with open(os.path.join(OUT, "values.json"), "w") as f:
        json.dump(values, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
