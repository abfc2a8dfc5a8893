"""Checkpoint files moving both ways between MXNet 1.9.1 and symgrad.

1. MXNet -> symgrad: builds a small network in MXNet, draws its parameters, runs one batch and
   writes tests/data/checkpoint/mx_mlp-symbol.json, mx_mlp-0001.params (mx.model.save_checkpoint)
   and mx_mlp_io.params (the batch "data" and MXNet's outputs "out:<i>"). tests/test_module.cpp
   loads the checkpoint with symgrad and must reproduce the outputs.
2. symgrad -> MXNet: loads tests/data/checkpoint/sg_mlp-symbol.json and sg_mlp-0003.params
   (written by symgrad: run the train tests with SYMGRAD_WRITE_FIXTURES=1) with
   mx.model.load_checkpoint, runs the batch stored in sg_mlp_io.params and compares with the
   outputs symgrad computed there; writes the result to sg_mlp_mxnet_check.json, which the test
   suite checks (and it checks that symgrad still writes byte-identical files).

usage: MXNET_MKLDNN_ENABLED=0 /path/to/venv/bin/python make_checkpoint_golden.py tests/data/checkpoint
"""
import json
import os
import sys

import mxnet as mx
import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

# ---- 1. MXNet writes
rng = np.random.RandomState(7)
data = mx.sym.Variable("data")
fc1 = mx.sym.FullyConnected(data, num_hidden=8, name="fc1")
act = mx.sym.Activation(fc1, act_type="relu", name="relu1")
fc2 = mx.sym.FullyConnected(act, num_hidden=3, name="fc2")
net = mx.sym.SoftmaxOutput(fc2, name="softmax")
shapes = {"data": (5, 4), "softmax_label": (5,)}
arg_shapes, _, _ = net.infer_shape(**shapes)
arg_params = {}
for name, shape in zip(net.list_arguments(), arg_shapes):
    if name not in shapes:
        arg_params[name] = mx.nd.array(rng.uniform(-1, 1, size=shape).astype(np.float32))
mx.model.save_checkpoint(os.path.join(out, "mx_mlp"), 1, net, arg_params, {})
x = rng.uniform(-1, 1, size=(5, 4)).astype(np.float32)
ex = net.simple_bind(mx.cpu(), grad_req="null", **shapes)
ex.copy_params_from(arg_params)
ex.arg_dict["data"][:] = x
outs = ex.forward(is_train=False)
io = {"data": mx.nd.array(x)}
for i, o in enumerate(outs):
    io["out:%d" % i] = o.copy()
mx.nd.save(os.path.join(out, "mx_mlp_io.params"), io)
print("wrote mx_mlp checkpoint; outputs", [o.shape for o in outs])

# ---- 2. MXNet reads what symgrad wrote
prefix = os.path.join(out, "sg_mlp")
if os.path.exists(prefix + "-symbol.json"):
    sym, args, auxs = mx.model.load_checkpoint(prefix, 3)
    sio = mx.nd.load(prefix + "_io.params")
    xs = sio["data"]
    ex = sym.simple_bind(mx.cpu(), grad_req="null", data=xs.shape)
    ex.copy_params_from(args, auxs)
    ex.arg_dict["data"][:] = xs
    mouts = ex.forward(is_train=False)
    diffs = [float(np.abs(o.asnumpy() - sio["out:%d" % i].asnumpy()).max()) for i, o in enumerate(mouts)]
    result = {"mxnet_version": mx.__version__, "arguments": sym.list_arguments(), "outputs": sym.list_outputs(),
              "max_abs_diff": max(diffs), "ok": max(diffs) < 1e-5}
    with open(prefix + "_mxnet_check.json", "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")
    print("MXNet loaded symgrad's checkpoint:", result)
else:
    print("no symgrad checkpoint yet (run the train tests with SYMGRAD_WRITE_FIXTURES=1 first)")
