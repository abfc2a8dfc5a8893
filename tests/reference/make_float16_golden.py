"""float16 files and graphs from MXNet 1.9.1, for tests/test_float16_io.cpp.

Writes into the folder given (tests/data/float16):
  arrays.params        mx.nd.save of a dict (keys in sorted order, as symgrad's nd::save writes
                       them): "f32" float32, "matrix" float16 (arange(6)/7 in float32, rounded),
                       "special" float16 (zeros, extremes, subnormals, infinities, NaN)
  list.params          mx.nd.save of the list [special, matrix] (no names)
  fp16net-symbol.json, fp16net-0000.params
                       a gluon HybridSequential (Dense(4, relu) -> Dense(2)) cast to float16 with
                       net.cast('float16') and exported with net.export (__dtype__ 2 on the parameters)
                       (MXNet 1.9.1's CPU FullyConnected refuses float16: "float16 fully connected
                       layer is currently only supported by CuDNN version")
  fp32net-symbol.json  the same net in float32 (its parameters declared float32: __dtype__ 0)
  fp16net_io.params    "data": a float32 batch; "out32": the output of a float32 Module bound to
                       fp32net-symbol.json after mod.set_params(float16 params): MXNet casts them
  amp_fc-symbol.json   data -> amp_cast(float16) -> FullyConnected -> amp_cast(float32) -> softmax,
                       built with mx.sym.amp_cast, saved with remove_amp_cast=False (Symbol.save's
                       default, True, drops both casts); convert_symbol of MXNet 1.9.1's CPU build inserts
                       no float16 casts around FullyConnected; see amp_add-symbol.json)
  amp_fc_io.params     "data", "arg:fc_weight", "arg:fc_bias" (float32), "out32": the output of the
                       same graph without the casts (MXNet cannot run amp_fc on the CPU either)
  amp_add-symbol.json  mx.contrib.amp.convert_symbol(FullyConnected + elemwise_add,
                       target_dtype='float16'): __dtype__ on the parameters and an amp_cast to
                       float32 at the output
  amp_add_io.params    "data", "y", "arg:fc1_weight", "arg:fc1_bias", "out": its output

usage: MXNET_MKLDNN_ENABLED=0 /path/to/mxnet-venv/bin/python make_float16_golden.py tests/data/float16
"""
import os
import sys

import mxnet as mx
import numpy as np
from mxnet.contrib import amp
from mxnet.gluon import nn

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
P = lambda name: os.path.join(out, name)

# ---- plain arrays
special = np.array([0.0, -0.0, 1.0, -2.5, 65504.0, -65504.0, np.inf, -np.inf, np.nan, 2.0 ** -24, 2.0 ** -14,
                    0.1, 1.0 / 3], dtype=np.float32)
matrix = (np.arange(6, dtype=np.float32) / np.float32(7)).reshape(2, 3)
arrays = {
    "f32": mx.nd.array([1.5, -2.0], dtype="float32"),
    "matrix": mx.nd.array(matrix, dtype="float32").astype("float16"),
    "special": mx.nd.array(special, dtype="float32").astype("float16"),
}
mx.nd.save(P("arrays.params"), arrays)
mx.nd.save(P("list.params"), [arrays["special"], arrays["matrix"]])
back = mx.nd.load(P("arrays.params"))
assert back["special"].dtype == np.float16 and back["matrix"].dtype == np.float16
print("special bits", back["special"].asnumpy().view(np.uint16).tolist())

# ---- a gluon net cast to float16 and exported
def make_net():
    net = nn.HybridSequential(prefix="")
    net.add(nn.Dense(4, activation="relu", in_units=3, prefix="dense0_"), nn.Dense(2, in_units=4, prefix="dense1_"))
    return net


x = np.random.RandomState(5).uniform(-1, 1, size=(2, 3)).astype(np.float32)
net32 = make_net()
net32.initialize()
net32.hybridize()
net32(mx.nd.array(x))
net32.export(P("fp32net"))  # the float32 net: its symbol declares the parameters float32
os.remove(P("fp32net-0000.params"))
mx.random.seed(3)
net = make_net()
net.initialize(mx.init.Uniform(1.0))
net.cast("float16")
net.hybridize()
try:  # builds the cached graph, then fails: MXNet's CPU FullyConnected cannot run in float16
    net(mx.nd.array(x, dtype="float16"))
except mx.base.MXNetError as e:
    print("float16 forward on the CPU:", str(e).strip().splitlines()[-1])
net.export(P("fp16net"))
sym, arg, aux = mx.model.load_checkpoint(P("fp16net"), 0)
print("exported params", {k: (v.dtype.__name__, v.shape) for k, v in arg.items()})
try:  # the float16 symbol declares its parameters float16 (__dtype__ 2): float32 data conflicts
    m16 = mx.mod.Module(sym, data_names=["data"], label_names=None)
    m16.bind(data_shapes=[("data", (2, 3))], for_training=False)
except RuntimeError as e:
    print("float16 symbol, float32 data:", str(e).strip().splitlines()[-1][:160])
# The float32 symbol in a Module (parameters default to float32): set_params casts the float16 values.
sym32 = mx.sym.load(P("fp32net-symbol.json"))
mod = mx.mod.Module(sym32, data_names=["data"], label_names=None)
mod.bind(data_shapes=[("data", (2, 3))], for_training=False)
mod.set_params(arg, aux)
print("module parameter dtypes", {k: v.dtype.__name__ for k, v in mod.get_params()[0].items()})
mod.forward(mx.io.DataBatch([mx.nd.array(x)]), is_train=False)
out32 = mod.get_outputs()[0]
assert out32.dtype == np.float32
mx.nd.save(P("fp16net_io.params"), {"data": mx.nd.array(x), "out32": out32})
print("out32", out32.asnumpy().tolist())

# ---- hand-built AMP graph: FullyConnected in float16 between two amp_casts
rng = np.random.RandomState(11)
d = mx.sym.Variable("data")
h = mx.sym.amp_cast(d, dtype="float16", name="data_amp_cast_float16")
fc = mx.sym.FullyConnected(h, num_hidden=3, name="fc")
f = mx.sym.amp_cast(fc, dtype="float32", name="fc_output_amp_cast_float32")
amp_fc = mx.sym.softmax(f, name="sm")
amp_fc.save(P("amp_fc-symbol.json"), remove_amp_cast=False)  # the default drops these amp_casts
xd = rng.uniform(-1, 1, size=(2, 4)).astype(np.float32)
w = rng.uniform(-1, 1, size=(3, 4)).astype(np.float32)
b = rng.uniform(-1, 1, size=(3,)).astype(np.float32)
print("amp_fc types", amp_fc.infer_type(data="float32", fc_weight="float16", fc_bias="float16"))
plain = mx.sym.softmax(mx.sym.FullyConnected(d, num_hidden=3, name="fc"), name="sm")
ex32 = plain.simple_bind(mx.cpu(), grad_req="null", data=(2, 4))
ex32.copy_params_from({"fc_weight": mx.nd.array(w), "fc_bias": mx.nd.array(b)})
ex32.arg_dict["data"][:] = xd
o32 = ex32.forward()[0]
mx.nd.save(P("amp_fc_io.params"), {"data": mx.nd.array(xd), "arg:fc_weight": mx.nd.array(w),
                                    "arg:fc_bias": mx.nd.array(b), "out32": o32.copy()})
print("amp_fc out32", o32.asnumpy().tolist())

# ---- convert_symbol on CPU
net2 = mx.sym.elemwise_add(mx.sym.FullyConnected(d, num_hidden=3, name="fc1"), mx.sym.Variable("y"), name="add")
conv = amp.convert_symbol(net2, target_dtype="float16", data_names=["data", "y"])
conv.save(P("amp_add-symbol.json"))
xa = rng.uniform(-1, 1, size=(2, 4)).astype(np.float32)
ya = rng.uniform(-1, 1, size=(2, 3)).astype(np.float32)
wa = rng.uniform(-1, 1, size=(3, 4)).astype(np.float32)
ba = rng.uniform(-1, 1, size=(3,)).astype(np.float32)
# The in-memory result runs FullyConnected in float16 (and fails on the CPU); the saved JSON,
# which is what a deployment loads, declares the parameters float32 and runs.
conv = mx.sym.load(P("amp_add-symbol.json"))
exa = conv.simple_bind(mx.cpu(), grad_req="null", data=(2, 4), y=(2, 3))
exa.copy_params_from({"fc1_weight": mx.nd.array(wa), "fc1_bias": mx.nd.array(ba)})
exa.arg_dict["data"][:] = xa
exa.arg_dict["y"][:] = ya
oa = exa.forward()[0]
mx.nd.save(P("amp_add_io.params"), {"data": mx.nd.array(xa), "y": mx.nd.array(ya), "arg:fc1_weight": mx.nd.array(wa),
                                     "arg:fc1_bias": mx.nd.array(ba), "out": oa.copy()})
print("amp_add ops", [n["op"] for n in __import__("json").loads(conv.tojson())["nodes"]])
