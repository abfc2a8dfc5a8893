"""Optimizer updates and learning-rate schedules from MXNet 1.9.1, for tests/test_optimizer.cpp.

Writes into the folder given:
  updates.json     per case: the optimizer's name and keyword arguments (as symgrad's
                   opt::create takes them: numbers, booleans as 0/1), parameter names, lr/wd
                   multipliers (set_lr_mult / set_wd_mult, or __lr_mult__/__wd_mult__ attributes
                   through `sym`), an optional scheduler, the starting weights and a list of steps
                   (index, gradient, the weight after MXNet's updater ran, the learning rate
                   MXNet reports after the step).
  schedulers.json  per case: a scheduler's arguments, a sequence of num_update values and
                   MXNet's learning rate for each (called in that order: FactorScheduler and
                   MultiFactorScheduler keep state).

Every update goes through mx.optimizer.get_updater(opt), as Module does without a kvstore.
Gradients are fresh arrays each step (AdaDelta scales the caller's gradient in place).

usage: MXNET_MKLDNN_ENABLED=0 /opt/mxnet-venv/bin/python make_optimizer_golden.py tests/data/optimizer
"""
import json
import os
import sys

import mxnet as mx
import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

BOOL_KEYS = {"centered", "lazy_update", "multi_precision", "bias_correction", "momentum_correction"}
INT_KEYS = {"begin_num_update"}


def kwargs_of(params):
    kw = {}
    for k, v in params.items():
        if k in BOOL_KEYS:
            kw[k] = bool(v)
        elif k in INT_KEYS:
            kw[k] = int(v)
        else:
            kw[k] = v
    return kw


def make_scheduler(spec):
    if spec is None:
        return None
    kind = spec["kind"]
    a = dict(spec["args"])
    if kind == "factor":
        return mx.lr_scheduler.FactorScheduler(**a)
    if kind == "multifactor":
        return mx.lr_scheduler.MultiFactorScheduler(**a)
    if kind == "poly":
        return mx.lr_scheduler.PolyScheduler(**a)
    if kind == "cosine":
        return mx.lr_scheduler.CosineScheduler(**a)
    raise ValueError(kind)


def floats(a):
    # Shortest decimal that reads back as the same float32.
    return [float(str(np.float32(x))) for x in np.asarray(a, dtype=np.float32).ravel()]


def write_json(path, cases):
    with open(path, "w") as f:
        f.write('{"mxnet": "%s", "cases": [\n' % mx.__version__)
        f.write(",\n".join(json.dumps(c) for c in cases))
        f.write("\n]}\n")


rng = np.random.RandomState(0)
SHAPE = (2, 3)
W0 = np.array([[0.5, -0.3, 0.8], [-1.2, 0.05, 2.0]], dtype=np.float32)
B0 = np.array([[0.1, -0.2, 0.3], [0.0, 0.25, -0.6]], dtype=np.float32)
# Gradients in [-1, 1] so that clip_gradient = 0.3 bites on most entries.
GRADS = [rng.uniform(-1, 1, SHAPE).astype(np.float32) for _ in range(6)]


def run_case(cid, name, params, names=("fc_weight",), lr_mult=None, wd_mult=None, sym_mults=None,
             scheduler=None, order=None, nsteps=5):
    kw = kwargs_of(params)
    sched = make_scheduler(scheduler)
    if sched is not None:
        kw["lr_scheduler"] = sched
    idx2name = {i: n for i, n in enumerate(names)}
    sym = None
    if sym_mults:
        data = mx.sym.Variable("data")
        variables = [mx.sym.Variable(n, **sym_mults.get(n, {})) for n in names]
        sym = mx.sym.Group([data] + variables)
    opt = mx.optimizer.create(name, param_idx2name=idx2name, sym=sym, **kw)
    if lr_mult:
        opt.set_lr_mult(lr_mult)
    if wd_mult:
        opt.set_wd_mult(wd_mult)
    updater = mx.optimizer.get_updater(opt)
    starts = [W0, B0]
    weights = [mx.nd.array(starts[i % 2] * (1 + i), dtype=np.float32) for i in range(len(names))]
    if order is None:
        order = [0] * nsteps
    steps = []
    for k, idx in enumerate(order):
        g = GRADS[k % len(GRADS)] * (1.0 if idx == 0 else -0.5)
        updater(idx, mx.nd.array(g, dtype=np.float32), weights[idx])
        steps.append({"index": idx, "grad": floats(g), "weight": floats(weights[idx].asnumpy()),
                      "num_update": int(opt.num_update), "learning_rate": float(opt.learning_rate)})
    attrs = {}
    if sym_mults:
        for n, m in sym_mults.items():
            attrs[n] = {("__%s__" % k): str(v) for k, v in m.items()}
    return {
        "id": cid, "optimizer": name, "params": params, "param_names": list(names),
        "lr_mult": lr_mult or {}, "wd_mult": wd_mult or {}, "sym_attrs": attrs,
        "scheduler": scheduler, "shape": list(SHAPE),
        "weights0": [floats(starts[i % 2] * (1 + i)) for i in range(len(names))],
        "steps": steps,
    }


C = 0.3  # clip_gradient
cases = []
add = lambda *a, **k: cases.append(run_case(*a, **k))

add("sgd", "sgd", {"learning_rate": 0.1})
add("sgd_mom", "sgd", {"learning_rate": 0.1, "momentum": 0.9})
add("sgd_all", "sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01, "rescale_grad": 0.5,
                       "clip_gradient": C})
add("sgd_wd_clip", "sgd", {"learning_rate": 0.1, "wd": 0.05, "clip_gradient": C})
add("sgd_bias_no_wd", "sgd", {"learning_rate": 0.1, "wd": 0.1, "momentum": 0.5}, names=("fc_bias",))
add("sgd_mults", "sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01},
    lr_mult={"fc_weight": 0.5}, wd_mult={"fc_weight": 3.0})
add("sgd_bias_wd_mult", "sgd", {"learning_rate": 0.1, "wd": 0.1}, names=("fc_bias",),
    wd_mult={"fc_bias": 2.0})
add("sgd_sym_mults", "sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01},
    names=("fc_weight", "fc_bias"), sym_mults={"fc_weight": {"lr_mult": 0.25, "wd_mult": 4.0},
                                               "fc_bias": {"wd_mult": 1.0}},
    order=[0, 1, 0, 1, 0, 1])
add("sgd_factor_two_params", "sgd", {"momentum": 0.9}, names=("fc_weight", "fc_bias"),
    scheduler={"kind": "factor", "args": {"step": 2, "factor": 0.5, "base_lr": 0.2}},
    order=[0, 1, 0, 1, 0, 1, 1, 0, 0, 0])
add("sgd_begin_num_update", "sgd", {"learning_rate": 0.1, "begin_num_update": 3},
    scheduler={"kind": "factor", "args": {"step": 4, "factor": 0.5, "base_lr": 0.1}}, nsteps=6)
add("nag", "nag", {"learning_rate": 0.1})
add("nag_mom", "nag", {"learning_rate": 0.1, "momentum": 0.9})
add("nag_all", "nag", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01, "rescale_grad": 0.5,
                       "clip_gradient": C})
add("nag_wd", "nag", {"learning_rate": 0.1, "wd": 0.05, "rescale_grad": 2.0})
add("adam", "adam", {})
add("adam_wd", "adam", {"learning_rate": 0.01, "wd": 0.01})
add("adam_all", "adam", {"learning_rate": 0.01, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6,
                         "wd": 0.01, "rescale_grad": 0.5, "clip_gradient": C})
add("adam_mults", "adam", {"learning_rate": 0.01, "wd": 0.1}, names=("fc_weight",),
    lr_mult={"fc_weight": 2.0}, wd_mult={"fc_weight": 0.5})
# Adam passes learning_rate=0.001 to the base class, which overwrites the scheduler's base_lr.
add("adam_scheduler_overridden", "adam", {},
    scheduler={"kind": "factor", "args": {"step": 2, "factor": 0.5, "base_lr": 0.1}})
add("adagrad", "adagrad", {"learning_rate": 0.1})
add("adagrad_all", "adagrad", {"learning_rate": 0.1, "eps": 1e-5, "wd": 0.01, "rescale_grad": 0.5,
                               "clip_gradient": C})
add("rmsprop", "rmsprop", {})
add("rmsprop_opts", "rmsprop", {"learning_rate": 0.01, "gamma1": 0.8, "wd": 0.01,
                                "clip_gradient": C})
add("rmsprop_clip_weights", "rmsprop", {"learning_rate": 0.1, "clip_weights": 0.45})
add("rmsprop_centered", "rmsprop", {"learning_rate": 0.01, "centered": 1})
add("rmsprop_centered_all", "rmsprop", {"learning_rate": 0.01, "centered": 1, "gamma1": 0.95,
                                        "gamma2": 0.8, "epsilon": 1e-6, "wd": 0.01,
                                        "rescale_grad": 0.5, "clip_gradient": C,
                                        "clip_weights": 0.45})
add("adadelta", "adadelta", {})
add("adadelta_all", "adadelta", {"rho": 0.8, "epsilon": 1e-4, "wd": 0.01, "rescale_grad": 0.5,
                                 "clip_gradient": C})
add("sgd_poly", "sgd", {"momentum": 0.9},
    scheduler={"kind": "poly", "args": {"max_update": 4, "base_lr": 0.1, "pwr": 2}}, nsteps=6)
add("adam_cosine_warmup", "adam", {"learning_rate": 0.05},
    scheduler={"kind": "cosine", "args": {"max_update": 5, "base_lr": 0.05, "final_lr": 0.001,
                                          "warmup_steps": 2, "warmup_begin_lr": 0.01}})

add("signum", "signum", {})
add("signum_all", "signum", {"learning_rate": 0.1, "momentum": 0.8, "wd_lh": 0.05, "wd": 0.01,
                             "rescale_grad": 0.5, "clip_gradient": C})
add("signsgd", "signum", {"learning_rate": 0.1, "momentum": 0, "wd": 0.01, "rescale_grad": 0.5})
add("ftml", "ftml", {"learning_rate": 0.1})
add("ftml_all", "ftml", {"learning_rate": 0.05, "beta1": 0.5, "beta2": 0.99, "epsilon": 1e-6,
                         "wd": 0.01, "rescale_grad": 0.5, "clip_gradient": C})
add("ftrl", "ftrl", {})
add("ftrl_all", "ftrl", {"learning_rate": 0.2, "lamda1": 0.05, "beta": 0.5, "wd": 0.01,
                         "rescale_grad": 0.5, "clip_gradient": C})
# Ftrl keeps its learning_rate aside: the scheduler's base_lr stands.
add("ftrl_scheduler", "ftrl", {"learning_rate": 0.2},
    scheduler={"kind": "factor", "args": {"step": 2, "factor": 0.5, "base_lr": 0.3}})
add("adamax", "adamax", {})
add("adamax_all", "adamax", {"learning_rate": 0.01, "beta1": 0.8, "beta2": 0.99, "wd": 0.01,
                             "rescale_grad": 0.5, "clip_gradient": C})
add("nadam", "nadam", {})
add("nadam_all", "nadam", {"learning_rate": 0.01, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-6,
                           "schedule_decay": 0.01, "wd": 0.01, "rescale_grad": 0.5,
                           "clip_gradient": C})
# Nadam's momentum schedule is one product over every update, whichever the index.
add("nadam_two_params", "nadam", {"learning_rate": 0.01}, names=("fc_weight", "fc_bias"),
    order=[0, 1, 0, 1, 1, 0, 0])
add("lamb", "lamb", {})
add("lamb_all", "lamb", {"learning_rate": 0.01, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-5,
                         "wd": 0.01, "rescale_grad": 0.5, "clip_gradient": C, "lower_bound": 0.5,
                         "upper_bound": 2.0})
add("lamb_upper_bound", "lamb", {"learning_rate": 0.01, "upper_bound": 0.8, "wd": 0.1})
add("lamb_no_bias_correction", "lamb", {"learning_rate": 0.01, "bias_correction": 0},
    names=("fc_weight", "fc_bias"), order=[0, 1, 0, 1, 0, 1])

add("lars", "lars", {"learning_rate": 0.1}, names=("fc_weight", "fc_bias"), order=[0, 1, 0, 1, 0])
add("lars_mom", "lars", {"learning_rate": 0.1, "momentum": 0.9, "eta": 0.01, "wd": 0.01},
    names=("fc_weight", "fc_bias", "bn_gamma"), order=[0, 1, 2, 0, 1, 2, 0])
add("lars_all", "lars", {"learning_rate": 0.1, "momentum": 0.8, "eta": 0.02, "eps": 1e-3,
                         "wd": 0.01, "rescale_grad": 0.5, "clip_gradient": C})
# The momentum follows the scheduler's changes of rate (momentum_correction), or not.
add("lars_scheduler", "lars", {"momentum": 0.9, "eta": 0.01},
    names=("fc_weight", "fc_bias"), order=[0, 1, 0, 1, 0, 1, 0],
    scheduler={"kind": "factor", "args": {"step": 2, "factor": 0.5, "base_lr": 0.2}})
add("lars_no_correction", "lars", {"momentum": 0.9, "eta": 0.01, "momentum_correction": 0},
    names=("fc_weight", "fc_bias"), order=[0, 1, 0, 1, 0, 1, 0],
    scheduler={"kind": "factor", "args": {"step": 2, "factor": 0.5, "base_lr": 0.2}})

write_json(os.path.join(out, "updates.json"), cases)

# ---- schedulers
SEQ = list(range(0, 31)) + [12, 40, 41, 100]
sched_specs = [
    ("factor", {"step": 5, "factor": 0.5}),
    ("factor", {"step": 3, "factor": 0.1, "stop_factor_lr": 1e-4, "base_lr": 1.0}),
    ("factor", {"step": 4, "factor": 0.9, "base_lr": 0.2, "warmup_steps": 6,
                "warmup_begin_lr": 0.02}),
    ("factor", {"step": 4, "factor": 0.9, "base_lr": 0.2, "warmup_steps": 6,
                "warmup_begin_lr": 0.05, "warmup_mode": "constant"}),
    ("multifactor", {"step": [3, 7, 20], "factor": 0.5}),
    ("multifactor", {"step": [5, 6], "factor": 0.1, "base_lr": 0.3, "warmup_steps": 4,
                     "warmup_begin_lr": 0.1}),
    ("poly", {"max_update": 20}),
    ("poly", {"max_update": 25, "base_lr": 0.5, "pwr": 1.5, "final_lr": 0.01, "warmup_steps": 5,
              "warmup_begin_lr": 0.05}),
    ("poly", {"max_update": 10, "base_lr": 0.5, "pwr": 3, "warmup_steps": 3,
              "warmup_begin_lr": 0.1, "warmup_mode": "constant"}),
    ("cosine", {"max_update": 20}),
    ("cosine", {"max_update": 30, "base_lr": 0.4, "final_lr": 0.02, "warmup_steps": 5,
                "warmup_begin_lr": 0.0}),
]
scases = []
for kind, args in sched_specs:
    s = make_scheduler({"kind": kind, "args": args})
    scases.append({"kind": kind, "args": args, "num_update": SEQ, "lr": [float(s(n)) for n in SEQ],
                   "base_lr_after": float(s.base_lr)})
write_json(os.path.join(out, "schedulers.json"), scases)
print("wrote %d update cases and %d scheduler cases to %s" % (len(cases), len(scases), out))
