# MXNet 1.9.1 side of bench/zoo.cpp (bench/compare.py zoo): the gluon model-zoo networks.
#
# --export DIR: for each network, get_model(name, pretrained=False) (nothing is downloaded),
# random weights from a fixed seed, BatchNorm statistics calibrated on a random batch (each
# BatchNorm's moving mean and variance set to the statistics of its input, in order, so every
# BatchNorm output has unit variance and the outputs depend on the input), hybridize, one forward,
# export. Writes DIR/<name>-symbol.json, DIR/<name>-0000.params and DIR/<name>-io.params (the
# calibration batch `data`, 8 samples, and MXNet's output `out` for it, for bench/zoo's check).
# Existing exports are kept (delete the folder to regenerate).
#
# Timing (always, after the export): each exported network loaded with mx.sym.load, bound with
# simple_bind(grad_req='null') at batch 1 and 8, forward(is_train=False) + wait_to_read(); per-call
# time in ms, median over --reps samples of at least --min-ms (two warm-up calls first). oneDNN is
# MXNet's default (MXNET_MKLDNN_ENABLED unset); the script prints what it found.
#
#   /work/venv-mx/bin/python bench/peers/zoo_mxnet.py --export build/zoo [--models resnet18_v1 ...]
#       [--batch 1 8] [--threads 1] [--reps 5] [--min-ms 200] [--no-time]
#
# --threads N sets OMP_NUM_THREADS before mxnet is imported (one engine worker; the operators use
# N OpenMP threads), so one process measures one thread count. Output per measurement: a JSON line
# {"name": "zoo/mxnet/<net>", "size": "b<batch>_t<threads>", ...} and `RESULT mxnet_zoo_<net>_b<batch>_t<threads> <ms> ms`.
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import set_threads, timed  # noqa: E402

_threads = set_threads(mxnet=True)

import argparse  # noqa: E402
import logging  # noqa: E402
import statistics  # noqa: E402

import numpy as np  # noqa: E402
import mxnet as mx  # noqa: E402

MODELS = ["resnet18_v1", "resnet50_v1", "mobilenet1.0", "mobilenetv2_1.0", "densenet121", "vgg11_bn",
          "inceptionv3"]
CALIB_BATCH = 8


def side(name):
    return 299 if name.startswith("inception") else 224


def export(name, prefix):
    from mxnet.gluon.model_zoo import vision
    seed = 1234
    mx.random.seed(seed)
    np.random.seed(seed)
    net = vision.get_model(name, pretrained=False)
    net.initialize(mx.init.Xavier(rnd_type="gaussian", factor_type="in", magnitude=2), ctx=mx.cpu())
    rng = np.random.RandomState(seed)
    x = mx.nd.array(rng.standard_normal((CALIB_BATCH, 3, side(name), side(name))).astype(np.float32))

    # Calibrate: before each BatchNorm runs (imperatively, in network order), set its statistics to
    # those of its input on this batch.
    def calibrate(block, inputs):
        a = inputs[0]
        axes = tuple(i for i in range(a.ndim) if i != 1)
        block.running_mean.set_data(a.mean(axis=axes))
        block.running_var.set_data(((a - a.mean(axis=axes, keepdims=True)) ** 2).mean(axis=axes))

    hooks = []

    def visit(b):
        if isinstance(b, mx.gluon.nn.BatchNorm):
            hooks.append(b.register_forward_pre_hook(calibrate))
        for c in b._children.values():
            visit(c)

    visit(net)
    net(x).wait_to_read()
    for h in hooks:
        h.detach()
    net.hybridize(static_alloc=True, static_shape=True)
    out = net(x)
    out.wait_to_read()
    net.export(prefix, epoch=0)
    mx.nd.save(prefix + "-io.params", {"data": x, "out": out})
    o = out.asnumpy()
    print(f"exported {name}: {len(hooks)} BatchNorm calibrated, output {o.shape}, std {o.std():.3g}, "
          f"per-sample argmax {o.argmax(axis=1).tolist()}", file=sys.stderr)


def time_model(name, prefix, batch, reps, min_ms, threads):
    sym = mx.sym.load(prefix + "-symbol.json")
    saved = mx.nd.load(prefix + "-0000.params")
    args = {k[4:]: v for k, v in saved.items() if k.startswith("arg:")}
    auxs = {k[4:]: v for k, v in saved.items() if k.startswith("aux:")}
    io = mx.nd.load(prefix + "-io.params")
    for b in batch:
        exe = sym.simple_bind(mx.cpu(), grad_req="null", data=(b, 3, side(name), side(name)))
        exe.copy_params_from(args, auxs)
        exe.arg_dict["data"][:] = io["data"][:b]

        def call():
            for o in exe.forward(is_train=False):
                o.wait_to_read()

        per = timed(call, reps, min_ms)
        med = statistics.median(per)
        diff = float(np.abs(exe.outputs[0].asnumpy() - io["out"][:b].asnumpy()).max())
        print(json.dumps({"name": f"zoo/mxnet/{name}", "size": f"b{b}_t{threads}", "median": med, "min": min(per),
                          "max": max(per), "repetitions": len(per), "unit": "ms"}))
        print(f"# {name} b{b}: simple_bind output vs the exported output, max abs diff {diff:.3g}")
        print(f"RESULT mxnet_zoo_{name}_b{b}_t{threads} {med:.4f} ms", flush=True)
        del exe


def main():
    p = argparse.ArgumentParser(allow_abbrev=False)
    p.add_argument("--export", required=True, help="folder of the exported networks")
    p.add_argument("--models", nargs="+", default=MODELS, choices=MODELS)
    p.add_argument("--batch", type=int, nargs="+", default=[1, 8])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--min-ms", type=float, default=200)
    p.add_argument("--no-time", action="store_true", help="export only")
    a = p.parse_args()
    if os.environ["OMP_NUM_THREADS"] != str(a.threads):
        p.error("write the thread count as two words: --threads N")
    logging.getLogger().setLevel(logging.WARNING)
    feats = mx.runtime.Features()
    print(f"# mxnet {mx.__version__}, threads {a.threads}, oneDNN built in: {feats.is_enabled('MKLDNN')}, "
          f"MXNET_MKLDNN_ENABLED={os.environ.get('MXNET_MKLDNN_ENABLED', '<unset>')}")
    os.makedirs(a.export, exist_ok=True)
    for name in a.models:
        prefix = os.path.join(a.export, name)
        if not os.path.exists(prefix + "-io.params"):
            export(name, prefix)
    if a.no_time:
        return
    for name in a.models:
        time_model(name, os.path.join(a.export, name), a.batch, a.reps, a.min_ms, a.threads)


if __name__ == "__main__":
    main()
