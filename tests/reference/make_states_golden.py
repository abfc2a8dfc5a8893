"""Optimizer .states files from MXNet 1.9.1 and AdamW updates, for tests/test_states.cpp.

usage: MXNET_MKLDNN_ENABLED=0 /work/venv-mx/bin/python make_states_golden.py tests/data/states
       MXNET_MKLDNN_ENABLED=0 /work/venv-mx/bin/python make_states_golden.py --check tests/data/states

Writes into the folder given:
  mx_<id>.states    what mod.save_optimizer_states wrote after 3 updates of an MLP
                    (data -> fc1 (3 hidden) -> fc2 (2) -> SoftmaxOutput) by mx.mod.Module on one
                    CPU, for each optimizer of `CASES`;
  states.json       per case: the optimizer and its keyword arguments (as symgrad's opt::create
                    takes them), param_names, the state MXNet held for each index (None, one
                    array, or a tuple of arrays: shape and values), the parameters and the
                    batch at which the file was saved, and one more update by a *fresh* Module
                    that loaded the file (MXNet restarts the update counts there);
  mx_adam_p<k>.states  the Adam states pickled again with protocol k (2, 3, 5);
  mx_adam_names.states the Adam states keyed by parameter name (as MXNet's kvstore updater keys
                    them);
  adamw.json        updates of mx.nd.contrib.adamw_update (the AdamW of MXNet 1.9.1; it has no
                    mx.optimizer.AdamW) on fixed arrays;
  bad/*.states      corrupt files (bad/README.md says what each is).

--check loads every from_symgrad/mx_<id>.states (what symgrad's save_states writes after loading
mx_<id>.states: test `states: files symgrad writes ...`, SYMGRAD_STATES_OUT=<folder> writes them)
into a fresh MXNet Module with load_optimizer_states, compares its updater's states (layout,
shapes, values) with states.json, runs one update, and prints one line per file; exit 1 on a
mismatch.
"""
import json
import os
import pickle
import struct
import sys

import mxnet as mx
import numpy as np

BOOL_KEYS = {"centered", "lazy_update", "bias_correction", "momentum_correction"}

CASES = [
    ("sgd_momentum", "sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01}),
    ("sgd", "sgd", {"learning_rate": 0.1}),
    ("nag", "nag", {"learning_rate": 0.1, "momentum": 0.8}),
    ("adam", "adam", {"learning_rate": 0.01}),
    ("adagrad", "adagrad", {"learning_rate": 0.1}),
    ("rmsprop", "rmsprop", {"learning_rate": 0.01}),
    ("rmsprop_centered", "rmsprop", {"learning_rate": 0.01, "centered": 1}),
    ("adadelta", "adadelta", {"rho": 0.8}),
    ("adamax", "adamax", {"learning_rate": 0.01}),
    ("nadam", "nadam", {"learning_rate": 0.01}),
    ("ftml", "ftml", {"learning_rate": 0.01}),
    ("ftrl", "ftrl", {"learning_rate": 0.1}),
    ("signum", "signum", {"learning_rate": 0.01}),
    ("lamb", "lamb", {"learning_rate": 0.01}),
    ("lars", "lars", {"learning_rate": 0.1, "momentum": 0.9}),
]


def kwargs_of(params):
    return {k: (bool(v) if k in BOOL_KEYS else v) for k, v in params.items()}


def floats(a):
    return [float(x) for x in a.asnumpy().astype(np.float64).ravel()]


def net():
    data = mx.sym.var("data")
    h = mx.sym.Activation(mx.sym.FullyConnected(data, num_hidden=3, name="fc1"), act_type="tanh")
    return mx.sym.SoftmaxOutput(mx.sym.FullyConnected(h, num_hidden=2, name="fc2"), name="softmax")


def batch(step):
    x = np.sin(np.arange(8, dtype=np.float64).reshape(2, 4) * 0.7 + step).astype(np.float32)
    y = np.array([step % 2, (step + 1) % 2], dtype=np.float32)
    return mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)])


def module(params0, name, params):
    mod = mx.mod.Module(net(), context=mx.cpu())
    mod.bind(data_shapes=[("data", (2, 4))], label_shapes=[("softmax_label", (2,))])
    mod.init_params(arg_params={k: mx.nd.array(v) for k, v in params0.items()}, aux_params={})
    mod.init_optimizer(optimizer=name, optimizer_params=kwargs_of(params))
    assert not mod._update_on_kvstore and mod._kvstore is None
    return mod


def state_json(s):
    arrays = lambda xs: [{"shape": list(a.shape), "values": floats(a)} for a in xs]
    if s is None:
        return {"layout": "none", "arrays": []}
    if isinstance(s, mx.nd.NDArray):
        return {"layout": "array", "arrays": arrays([s])}
    assert isinstance(s, (tuple, list)), type(s)
    return {"layout": "tuple", "arrays": arrays(s)}


def params_json(mod):
    arg, _ = mod.get_params()
    return {k: {"shape": list(v.shape), "values": floats(v)} for k, v in arg.items()}


def make(out):
    os.makedirs(out, exist_ok=True)
    rng = np.random.RandomState(3)
    params0 = {"fc1_weight": rng.uniform(-0.5, 0.5, (3, 4)), "fc1_bias": rng.uniform(-0.1, 0.1, (3,)),
               "fc2_weight": rng.uniform(-0.5, 0.5, (2, 3)), "fc2_bias": rng.uniform(-0.1, 0.1, (2,))}
    cases = []
    for cid, name, params in CASES:
        mod = module(params0, name, params)
        for step in range(3):
            mod.forward_backward(batch(step))
            mod.update()
        path = os.path.join(out, "mx_%s.states" % cid)
        mod.save_optimizer_states(path)
        saved = params_json(mod)
        states = {str(k): state_json(v) for k, v in sorted(mod._updater.states.items())}
        # A fresh module continues from the saved parameters and states.
        arg, _ = mod.get_params()
        fresh = module({k: v.asnumpy() for k, v in arg.items()}, name, params)
        fresh.load_optimizer_states(path)
        fresh.forward_backward(batch(3))
        fresh.update()
        cases.append({"id": cid, "optimizer": name, "params": params, "param_names": mod._param_names,
                      "file": os.path.basename(path), "states": states, "saved_params": saved,
                      "next_params": params_json(fresh)})
        if cid == "adam":
            raw = pickle.loads(open(path, "rb").read())
            for proto in (2, 3, 5):
                with open(os.path.join(out, "mx_adam_p%d.states" % proto), "wb") as f:
                    f.write(pickle.dumps(raw, protocol=proto))
            with open(os.path.join(out, "mx_adam_names.states"), "wb") as f:
                f.write(pickle.dumps({mod._param_names[k]: v for k, v in raw.items()}))
            make_bad(os.path.join(out, "bad"), open(path, "rb").read(), raw, mod)
    with open(os.path.join(out, "states.json"), "w") as f:
        json.dump({"generator": "tests/reference/make_states_golden.py", "mxnet": mx.__version__,
                   "cases": cases}, f, indent=None, separators=(",", ":"))
        f.write("\n")
    make_adamw(out)


def ndarray_pickle(raw):
    """An NDArray's pickle (protocol 4 opcodes, no memo) around raw bytes."""
    def u(s):
        return b"\x8c" + bytes([len(s)]) + s.encode()
    return (u("mxnet.ndarray.ndarray") + u("NDArray") + b"\x93N\x85R}" + u("handle") + u("builtins") +
            u("bytearray") + b"\x93B" + struct.pack("<I", len(raw)) + raw + b"\x85Rsb")


def make_bad(bad, good, raw, mod):
    os.makedirs(bad, exist_ok=True)
    mean0 = raw[0][0]
    one = mx.nd.array([1.0, 2.0])
    raw1 = bytes(one.__getstate__()["handle"])
    files = {
        # the Adam file cut in half
        "truncated.states": good[: len(good) // 2],
        # protocol 0 (text opcodes, no PROTO)
        "protocol0.states": pickle.dumps({0: None}, protocol=0),
        # a float key: BINFLOAT
        "float_key.states": pickle.dumps({0.5: None}, protocol=4),
        # an object other than an NDArray: collections.OrderedDict
        "foreign_global.states": pickle.dumps({0: __import__("collections").OrderedDict()}, protocol=4),
        # Updater.get_states(dump_optimizer=True): the optimizer object pickled with the states
        "dump_optimizer.states": mod._updater.get_states(dump_optimizer=True),
        # BINBYTES claiming 2 GiB in a small file
        "huge_length.states": b"\x80\x04}K\x00" + b"B" + struct.pack("<I", 2 ** 31) + b"abc",
        # 500 NDArrays sharing one memoized bytes object of 4 KiB: 2 MB of arrays from a 40 KB file
        "memo_bomb.states": b"\x80\x04}(" + b"K\x00" + ndarray_pickle(
            bytes(mx.nd.zeros((1000,)).__getstate__()["handle"])).replace(b"\x85Rsb", b"\x94\x85Rsb", 1) +
            b"".join(b"M" + struct.pack("<H", i) + b"\x8c\x15mxnet.ndarray.ndarray\x8c\x07NDArray\x93N\x85R}"
                     b"\x8c\x06handle\x8c\x08builtins\x8c\x09bytearray\x93h\x00\x85Rsb" for i in range(1, 500)) +
            b"u.",
        # an NDArray whose raw bytes are not an array (bad magic)
        "bad_magic.states": b"\x80\x04}K\x00" + ndarray_pickle(b"\x00" * 40) + b"s.",
        # an NDArray header claiming shape (2^40,) with 8 bytes of data
        "huge_shape.states": b"\x80\x04}K\x00" + ndarray_pickle(
            raw1[:12] + struct.pack("<q", 2 ** 40) + raw1[20:]) + b"s.",
        # a nested state, as multi_precision writes (weight32, (mean, var))
        "nested.states": pickle.dumps({0: (mean0, (mean0, mean0))}, protocol=4),
        # trailing bytes after STOP
        "trailing.states": good + b"\x00\x00",
        # a list of states instead of a dict
        "not_dict.states": pickle.dumps([mean0], protocol=4),
    }
    for name, data in files.items():
        with open(os.path.join(bad, name), "wb") as f:
            f.write(data)
        try:  # every file but the one with the optimizer must fail in Python too, or be refused by design
            pickle.loads(data)
            ok_in_python = True
        except Exception:
            ok_in_python = False
        print("bad/%s: %d bytes, Python's pickle %s" % (name, len(data), "reads it" if ok_in_python else "fails"))


def make_adamw(out):
    """AdamW: mx.nd.contrib.adamw_update, with an optional bias correction folded into lr."""
    cases = []
    specs = [
        ("plain", {"learning_rate": 0.01, "wd": 0.1, "eta": 1.0}, False),
        ("eta_clip", {"learning_rate": 0.05, "wd": 0.01, "eta": 0.5, "clip_gradient": 0.3,
                      "rescale_grad": 0.5, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6}, False),
        ("correct_bias", {"learning_rate": 0.01, "wd": 0.05, "eta": 2.0, "correct_bias": 1}, True),
    ]
    for cid, p, correct in specs:
        w = mx.nd.array(np.linspace(-1, 1, 6).reshape(2, 3))
        mean, var = mx.nd.zeros((2, 3)), mx.nd.zeros((2, 3))
        b1, b2 = p.get("beta1", 0.9), p.get("beta2", 0.999)
        steps, w0 = [], floats(w)
        for t in range(1, 5):
            g = mx.nd.array(np.cos(np.arange(6).reshape(2, 3) * 1.1 + t) * (1.5 if t % 2 else 0.2))
            g_values = floats(g)  # before the update: the operator rescales and clips grad in place
            lr = p["learning_rate"]
            if correct:
                lr *= np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
            mx.nd.contrib.adamw_update(w, g, mean, var, rescale_grad=p.get("rescale_grad", 1.0), lr=lr,
                                       eta=p["eta"], beta1=b1, beta2=b2, epsilon=p.get("epsilon", 1e-8),
                                       wd=p["wd"], clip_gradient=p.get("clip_gradient", -1), out=w)
            steps.append({"grad": g_values, "weight": floats(w), "mean": floats(mean), "var": floats(var)})
        cases.append({"id": cid, "params": p, "shape": [2, 3], "weight0": w0, "steps": steps})
    with open(os.path.join(out, "adamw.json"), "w") as f:
        json.dump({"generator": "tests/reference/make_states_golden.py", "mxnet": mx.__version__,
                   "op": "mx.nd.contrib.adamw_update", "cases": cases}, f)
        f.write("\n")


def check(out):
    d = os.path.join(out, "from_symgrad")
    cases = json.load(open(os.path.join(out, "states.json")))["cases"]
    rng = np.random.RandomState(3)
    params0 = {"fc1_weight": rng.uniform(-0.5, 0.5, (3, 4)), "fc1_bias": rng.uniform(-0.1, 0.1, (3,)),
               "fc2_weight": rng.uniform(-0.5, 0.5, (2, 3)), "fc2_bias": rng.uniform(-0.1, 0.1, (2,))}
    bad = 0
    for c in cases:
        path = os.path.join(d, c["file"])
        mod = module(params0, c["optimizer"], c["params"])
        mod.load_optimizer_states(path)
        got = {str(k): state_json(v) for k, v in sorted(mod._updater.states.items())}
        ok = sorted(got) == sorted(c["states"])
        for k in c["states"]:
            want = c["states"][k]
            ok = ok and got[k]["layout"] == want["layout"] and len(got[k]["arrays"]) == len(want["arrays"])
            for a, b in zip(got[k]["arrays"], want["arrays"]):
                ok = ok and a["shape"] == b["shape"] and a["values"] == b["values"]
        # and the loaded states drive an update
        mod.forward_backward(batch(3))
        mod.update()
        print("from_symgrad/%s: %s" % (c["file"], "MXNet loads it, states equal" if ok else "MISMATCH"))
        bad += not ok
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    if sys.argv[1] == "--check":
        check(sys.argv[2])
    else:
        make(sys.argv[1])
