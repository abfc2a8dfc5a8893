"""Golden values for tests/test_metric.cpp from MXNet 1.9.1's mx.metric.

Each case creates a metric with mx.metric.create(name or list of names, **kwargs) (or a
CustomMetric from one of the functions below), then runs a fixed list of steps: update(labels,
preds), reset_local(), reset(). After every step it records get_name_value() and
get_global_name_value(). The inputs are drawn from a fixed seed and written into the JSON with the
values, so the C++ test replays exactly the same calls. NaN is written as null.

One file per group of cases: tests/data/metric/<group>.json.

usage: /opt/mxnet-venv/bin/python tests/reference/make_metric_golden.py tests/data/metric
"""
import json
import math
import os
import sys

import mxnet as mx
import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "data", "metric")
os.makedirs(out, exist_ok=True)
rng = np.random.RandomState(20240611)


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def probs(*shape, axis=-1):
    """Random class probabilities (float32, no ties, none exactly 1.0)."""
    return softmax(rng.normal(0, 1.5, size=shape), axis=axis).astype(np.float32)


def classes(n, c, shape=None):
    return rng.randint(0, c, size=shape if shape is not None else (n,)).astype(np.float32)


def enc(a):
    a = np.asarray(a)
    return {"shape": list(a.shape), "dtype": str(a.dtype), "data": [float(v) for v in a.ravel()]}


def num(v):
    v = float(v)
    return None if math.isnan(v) else v


def name_values(nv):
    return [[str(n), num(v)] for n, v in nv]


# Functions for the CustomMetric cases; tests/test_metric.cpp has the same ones under these keys.
def sum_abs_err(label, pred):  # returns (sum, count)
    return float(np.abs(label.ravel() - pred.ravel()).sum()), label.size


def max_abs_err(label, pred):  # returns one value per pair
    return float(np.abs(label.ravel() - pred.ravel()).max())


CUSTOM = {"sum_abs_err": sum_abs_err, "max_abs_err": max_abs_err}


def run(case):
    """case: dict with metric (str or list), kwargs, steps [(op, labels, preds)]."""
    if "custom" in case:
        m = mx.metric.CustomMetric(CUSTOM[case["custom"]], **case.get("kwargs", {}))
    else:
        m = mx.metric.create(case["metric"], **case.get("kwargs", {}))
    steps = []
    for op, labels, preds in case["steps"]:
        rec = {"op": op}
        if op == "update":
            m.update([mx.nd.array(l, dtype=l.dtype) for l in labels],
                     [mx.nd.array(p, dtype=p.dtype) for p in preds])
            rec["labels"] = [enc(l) for l in labels]
            rec["preds"] = [enc(p) for p in preds]
        elif op == "reset_local":
            m.reset_local()
        elif op == "reset":
            m.reset()
        rec["get"] = name_values(m.get_name_value())
        rec["get_global"] = name_values(m.get_global_name_value())
        steps.append(rec)
    res = {k: v for k, v in case.items() if k not in ("steps",)}
    res["str"] = str(m)
    res["steps"] = steps
    return res


def upd(labels, preds):
    return ("update", labels, preds)


RL = ("reset_local", None, None)
RS = ("reset", None, None)


def write(group, cases):
    doc = {"mxnet_version": mx.__version__, "cases": [run(c) for c in cases]}
    with open(os.path.join(out, group + ".json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote", group, len(cases), "cases")


# ---- classification with class-index labels
write("classification", [
    {"metric": "acc", "steps": [upd([classes(8, 4)], [probs(8, 4)]),
                                upd([classes(6, 4)], [probs(6, 4)]), RL,
                                upd([classes(10, 4), classes(5, 4)], [probs(10, 4), probs(5, 4)]), RS,
                                upd([classes(6, 4)], [probs(6, 4)])]},
    # labels (N, 1), and classes along axis 1 of a 3-D prediction
    {"metric": "accuracy", "steps": [upd([classes(7, 3, (7, 1))], [probs(7, 3)]), RL,
                                     upd([classes(9, 3, (9, 1))], [probs(9, 3)])]},
    {"metric": "acc", "kwargs": {"axis": 1},
     "steps": [upd([classes(0, 5, (4, 6))], [probs(4, 5, 6, axis=1)]),
               upd([classes(0, 5, (3, 6))], [probs(3, 5, 6, axis=1)])]},
    {"metric": "top_k_accuracy", "kwargs": {"top_k": 3},
     "steps": [upd([classes(12, 6)], [probs(12, 6)]), upd([classes(9, 6)], [probs(9, 6)]), RL,
               upd([classes(11, 6)], [probs(11, 6)])]},
    {"metric": "top_k_acc", "kwargs": {"top_k": 2},
     "steps": [upd([classes(10, 4)], [probs(10, 4)]), upd([classes(10, 4)], [probs(10, 4)])]},
    {"metric": "f1", "steps": [upd([classes(16, 2)], [probs(16, 2)]), upd([classes(12, 2)], [probs(12, 2)]),
                               RL, upd([classes(14, 2), classes(6, 2)], [probs(14, 2), probs(6, 2)])]},
    {"metric": "f1", "kwargs": {"average": "micro"},
     "steps": [upd([classes(16, 2)], [probs(16, 2)]), upd([classes(12, 2)], [probs(12, 2)]),
               RL, upd([classes(14, 2), classes(6, 2)], [probs(14, 2), probs(6, 2)])]},
    {"metric": "mcc", "steps": [upd([classes(20, 2)], [probs(20, 2)]), upd([classes(15, 2)], [probs(15, 2)]),
                                RL, upd([classes(18, 2)], [probs(18, 2)])]},
    {"metric": "mcc", "kwargs": {"average": "micro"},
     "steps": [upd([classes(20, 2)], [probs(20, 2)]), upd([classes(15, 2)], [probs(15, 2)]),
               RL, upd([classes(18, 2)], [probs(18, 2)])]},
    {"metric": "pcc", "steps": [upd([classes(30, 4)], [probs(30, 4)]), upd([classes(25, 4)], [probs(25, 4)]),
                                RL, upd([classes(28, 4)], [probs(28, 4)])]},
])

# ---- probabilities: cross-entropy, negative log-likelihood, perplexity
write("probability", [
    {"metric": "ce", "steps": [upd([classes(8, 5)], [probs(8, 5)]), upd([classes(6, 5)], [probs(6, 5)]), RL,
                               upd([classes(7, 5)], [probs(7, 5)])]},
    {"metric": "nll_loss", "steps": [upd([classes(8, 5)], [probs(8, 5)]), RL, upd([classes(9, 5)], [probs(9, 5)]),
                                     upd([classes(4, 5, (4, 1))], [probs(4, 5)])]},
    {"metric": "perplexity", "kwargs": {"ignore_label": None},
     "steps": [upd([classes(10, 7)], [probs(10, 7)]), upd([classes(8, 7)], [probs(8, 7)]), RL,
               upd([classes(9, 7)], [probs(9, 7)])]},
    # ignore_label: a real class (0) and a padding value outside the classes (-1)
    {"metric": "perplexity", "kwargs": {"ignore_label": 0},
     "steps": [upd([classes(12, 4)], [probs(12, 4)]), upd([classes(10, 4)], [probs(10, 4)]), RL,
               upd([classes(11, 4)], [probs(11, 4)])]},
    {"metric": "perplexity", "kwargs": {"ignore_label": -1},
     "steps": [upd([np.array([2, -1, 0, 1, -1, 3, 3, -1], np.float32)], [probs(8, 4)]),
               upd([np.array([-1, 1, 1, 0, 2], np.float32)], [probs(5, 4)])]},
])

# ---- regression and correlation
def reg(*shape):
    return rng.normal(0, 2, size=shape).astype(np.float32)


write("regression", [
    {"metric": name, "steps": [upd([reg(8)], [reg(8, 1)]), upd([reg(6, 3)], [reg(6, 3)]), RL,
                               upd([reg(5, 1), reg(4)], [reg(5, 1), reg(4)])]}
    for name in ("mae", "mse", "rmse")
] + [
    {"metric": "pearsonr", "steps": [upd([reg(10)], [reg(10)]), upd([reg(8, 2)], [reg(8, 2)]), RL,
                                     upd([reg(9)], [reg(9)])]},
    # micro: MXNet's reset_local leaves the pooled statistics and its get_global reports 0, so this
    # case has no reset_local and the test compares both of ours with MXNet's get().
    {"metric": "pearsonr", "kwargs": {"average": "micro"}, "global_is_local": True,
     "steps": [upd([reg(10)], [reg(10)]), upd([reg(8, 2)], [reg(8, 2)]), upd([reg(7), reg(5)], [reg(7), reg(5)])]},
])

# ---- loss, composite, custom
write("other", [
    {"metric": "loss", "steps": [upd([reg(4)], [reg(4, 3)]), upd([], [reg(5), reg(2, 2)]), RL, upd([], [reg(6)])]},
    {"metric": ["acc", "ce", "f1"], "steps": [upd([classes(10, 2)], [probs(10, 2)]), RL,
                                               upd([classes(8, 2)], [probs(8, 2)])]},
    {"custom": "sum_abs_err", "kwargs": {"name": "sum_abs_err"},
     "steps": [upd([reg(6)], [reg(6)]), upd([reg(3, 2)], [reg(3, 2)]), RL, upd([reg(4)], [reg(4)])]},
    {"custom": "max_abs_err", "kwargs": {"name": "max_abs_err", "allow_extra_outputs": True},
     "steps": [upd([reg(6)], [reg(6), reg(2)]), upd([reg(5)], [reg(5)]), RL, upd([reg(4)], [reg(4)])]},
])

# ---- str(): how Python prints the values (nan, 1.0, 0.0001, 1e-05, 1.5e+16 ...)
def f64(*v):
    return np.array(v, np.float64)


write("strings", [
    {"metric": "acc", "steps": []},
    {"metric": "acc", "steps": [upd([np.array([0, 1, 2], np.float32)], [np.eye(3, dtype=np.float32)])]},
    {"metric": "acc", "steps": [upd([np.array([0, 1, 2], np.float32)], [np.eye(3, dtype=np.float32)[::-1].copy()])]},
] + [{"metric": "loss", "steps": [upd([], [f64(v)])]}
     for v in (0.0001, 1e-05, 123.0, 1.5e16, 1e16 - 2, -2.5e-7, 0.1, 1 / 3)] + [
    {"metric": ["acc", "f1"], "steps": [upd([np.array([1, 0], np.float32)],
                                             [np.array([[0.2, 0.8], [0.9, 0.1]], np.float32)])]},
])

# ---- the notebook's case: one-hot labels of shape (128, 6) against softmax outputs (128, 6).
# MXNet's Accuracy sees equal shapes, takes no argmax and truncates the probabilities to int, so it
# reports (C-1)/C = 5/6 whatever the model; the same predictions scored against the class indices
# give the real accuracy, which symgrad must report for the one-hot labels too.
idx = classes(128, 6)
onehot = np.eye(6, dtype=np.float32)[idx.astype(np.int64)]
pred = probs(128, 6)
# make the model better than chance so the two numbers cannot meet by accident
for r in range(0, 128, 2):
    pred[r] = softmax(np.log(pred[r] + 1e-3) + 4.0 * onehot[r]).astype(np.float32)
m_onehot = mx.metric.Accuracy()
m_onehot.update([mx.nd.array(onehot)], [mx.nd.array(pred)])
m_idx = mx.metric.Accuracy()
m_idx.update([mx.nd.array(idx)], [mx.nd.array(pred)])
doc = {"mxnet_version": mx.__version__, "labels_onehot": enc(onehot), "labels_index": enc(idx),
       "preds": enc(pred), "mxnet_onehot_accuracy": m_onehot.get()[1],
       "mxnet_index_accuracy": m_idx.get()[1]}
with open(os.path.join(out, "notebook.json"), "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
print("notebook: MXNet one-hot accuracy", doc["mxnet_onehot_accuracy"], "class-index accuracy",
      doc["mxnet_index_accuracy"])
