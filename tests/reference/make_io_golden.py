"""Writes tests/data/io/ndarray_iter.json: the batches that MXNet 1.9.1's mx.io.NDArrayIter yields,
epoch by epoch, for each last_batch_handle mode on sizes that the batch size does not divide
(tests/test_io.cpp compares symgrad's NDArrayIter with them).

    /opt/mxnet-venv/bin/python tests/reference/make_io_golden.py   # needs mxnet==1.9.1
"""
import json
import os

import mxnet as mx
import numpy as np

assert mx.__version__ == "1.9.1", mx.__version__
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "io")


def desc(d):
    return {"name": d.name, "shape": list(d.shape), "dtype": np.dtype(d.dtype).name, "layout": d.layout}


def run(name, data, label, epochs, **kw):
    it = mx.io.NDArrayIter(data, label, **kw)
    out = {"name": name, "options": kw, "epochs": [],
           "provide_data": [desc(d) for d in it.provide_data],
           "provide_label": [desc(d) for d in it.provide_label]}
    for e in range(epochs):
        if e:
            it.reset()
        batches = []
        for b in it:
            batches.append({"data": [a.asnumpy().ravel().tolist() for a in b.data],
                            "data_shapes": [list(a.shape) for a in b.data],
                            "label": [a.asnumpy().ravel().tolist() for a in b.label],
                            "pad": int(b.pad)})
        out["epochs"].append(batches)
    return out


def main():
    n = 10
    x = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    y = np.arange(n, dtype=np.float32) + 100
    cases = []
    for mode in ["pad", "discard", "roll_over"]:
        cases.append(run("n10_b3_" + mode, x, y, 4, batch_size=3, last_batch_handle=mode))
        cases.append(run("n10_b4_" + mode, x, y, 4, batch_size=4, last_batch_handle=mode))
    # a batch larger than the data set: 'pad' repeats the data. ('roll_over' fails inside MXNet in
    # the second epoch, "Invalid end for end=4 as axis_size is 3"; symgrad rejects it up front.)
    small = np.arange(3, dtype=np.float32).reshape(3, 1)
    cases.append(run("n3_b7_pad", small, small[:, 0] + 10, 2, batch_size=7, last_batch_handle="pad"))
    # named inputs are sorted by name; a list becomes _0_data, _1_data ...
    a = np.arange(5 * 3, dtype=np.float32).reshape(5, 3)
    b = np.arange(5, dtype=np.float32).reshape(5, 1) * -1
    cases.append(run("named", {"zeta": a, "alpha": b}, {"lab": np.arange(5, dtype=np.float32)}, 1,
                     batch_size=2, last_batch_handle="pad", data_name="data", label_name="softmax_label"))
    cases.append(run("listed", [a, b], [np.arange(5, dtype=np.float32)], 1, batch_size=2,
                     last_batch_handle="discard", data_name="in", label_name="out"))
    # an NDArray keeps its dtype (a numpy float64 array would become float32 in mx.nd.array)
    f64 = mx.nd.array(np.arange(6).reshape(3, 2), dtype=np.float64)
    cases.append(run("nolabel_f64", f64, None, 1, batch_size=2))
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "ndarray_iter.json"), "w") as f:
        json.dump({"mxnet": mx.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
