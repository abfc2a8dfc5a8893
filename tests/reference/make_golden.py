"""Golden values for symgrad's operator tests, computed by the real MXNet 1.9.1.

What it does
    For every case below it builds one MXNet symbol, binds it with
    sym.simple_bind(mx.cpu(), grad_req=..., **shapes), copies seeded inputs into ex.arg_dict,
    runs ex.forward(is_train=True) and ex.backward(head gradients), and writes
    tests/data/golden/<case>.params with mx.nd.save(path, dict) -- MXNet's own NDArray-list
    format, which symgrad's nd::load parses. Every array is float32; the keys are
        in:<argument>    the value of every argument (inputs and parameters), by list_arguments() name
        head:<i>         the head gradient given for output i; absent for loss outputs (MakeLoss,
                         BlockGrad, SoftmaxOutput, *RegressionOutput), whose gradients ignore it
        out:<i>          output i of forward(is_train=True)
        grad:<argument>  the gradient of each argument after backward, grad_req 'write'; absent only
                         for the integer index/label arguments, bound with 'null' (nograd=):
                         - Embedding's data, softmax_cross_entropy's label: MXNet refuses 'write'
                           ("Embedding layer doesn't support calculate data gradient", "Cannot take
                           gradient wrt label");
                         - labels of SoftmaxOutput and the *RegressionOutput layers: with 'write'
                           MXNet leaves the gradient buffer untouched (no defined value);
                         - indices of one_hot, pick, where: with 'write' MXNet writes zeros; kept
                           'null' because tests/test_golden.cpp expects one_hot to have no grad: key
    and nothing else. Nodes get explicit names where they own parameters (name='fc' gives
    fc_weight, fc_bias), so argument names are predictable. tests/test_golden.cpp rebuilds the
    same symbols with symgrad and compares.

Values
    One numpy RandomState(1000 + seed) per case (seed=0 for all cases now). Arguments are drawn
    in list_arguments() order, then one head per output in output order, all from that stream:
    rng.uniform(lo, hi, size=shape).astype(float32), [lo, hi] = [-1, 1] unless the case says
    otherwise ([0.5, 2] for sqrt/log/rsqrt/log1p/reciprocal/rdiv inputs and div/power operands,
    [-3, 3] for Activation, [0.5, 1.5] for prod, [0, 1] for logistic-regression labels). An argument given by `fixed` takes no draw: relu, abs, sign and clip
    use a fixed matrix whose entries are all at least 0.1 away from 0 and the clip bounds; indices
    and labels are fixed integers. A head is drawn for a loss output too (and passed to backward)
    but not saved.

How to run
    tests/reference/make_golden.sh [case ...]
    It creates the virtual environment /opt/mxnet-venv (or $MXNET_VENV) with
    `python3 -m venv` + `pip install mxnet==1.9.1 numpy==1.23.5` when it is missing, then runs
        MXNET_MKLDNN_ENABLED=0 MXNET_ENGINE_TYPE=NaiveEngine MXNET_STORAGE_FALLBACK_LOG_VERBOSE=0 \
            /opt/mxnet-venv/bin/python tests/reference/make_golden.py tests/data/golden [case ...]
    (plain kernels instead of oneDNN, synchronous engine), and then the same with
    MXNET_MKLDNN_ENABLED=1 for the fused_* RNN cases only (see ONEDNN below). With case names it rewrites only those
    files. Each written file is loaded back with mx.nd.load and checked. Runs in about a second;
    the output is deterministic (bit-identical reruns). MXNet 1.9.1 needs Python <= 3.11 and
    numpy < 1.24.
"""
import os
import sys

import mxnet as mx
import numpy as np

OUT = sys.argv[1]
ONLY = set(sys.argv[2:])
# MXNet 1.9.1's plain CPU RNN backward fails for LSTM ("Check failed: in_data.size() == num_inputs
# (4 vs. 3)"), so the fused RNN cases are computed in a second pass with oneDNN enabled, the
# implementation MXNet 1.9.1 uses by default.
ONEDNN = os.environ.get("MXNET_MKLDNN_ENABLED", "1") != "0"
sym = mx.sym
V = sym.Variable


def uniform(rng, shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, size=shape).astype(np.float32)


def case(name, symbol, shapes, domain=None, fixed=None, nograd=(), loss_outputs=(), seed=0):
    """shapes: argument -> shape; domain: argument -> (lo, hi); fixed: argument -> array;
    nograd: arguments bound with grad_req 'null'; loss_outputs: outputs given no head gradient."""
    if ONLY and name not in ONLY:
        return
    if name.startswith("fused_") != ONEDNN:
        return  # the fused RNN runs in the oneDNN pass, every other case in the plain pass
    rng = np.random.RandomState(1000 + seed)
    domain = domain or {}
    fixed = fixed or {}
    args = symbol.list_arguments()
    req = {a: ("null" if a in nograd else "write") for a in args}
    ex = symbol.simple_bind(mx.cpu(), grad_req=req, **shapes)
    saved = {}
    for a in args:
        if a in fixed:
            v = np.asarray(fixed[a], dtype=np.float32)
        else:
            lo, hi = domain.get(a, (-1.0, 1.0))
            v = uniform(rng, ex.arg_dict[a].shape, lo, hi)
        ex.arg_dict[a][:] = v
        saved["in:" + a] = mx.nd.array(v)
    outs = ex.forward(is_train=True)
    heads = []
    for i, o in enumerate(outs):
        h = uniform(rng, o.shape)
        heads.append(mx.nd.array(h))
        if i not in loss_outputs:
            saved["head:%d" % i] = mx.nd.array(h)
        saved["out:%d" % i] = o.copy()
    ex.backward(heads)
    for a in args:
        if req[a] != "null":
            saved["grad:" + a] = ex.grad_dict[a].copy()
    for a in symbol.list_auxiliary_states():  # after forward and backward (BatchNorm's moving statistics)
        saved["aux:" + a] = ex.aux_dict[a].copy()
    path = os.path.join(OUT, name + ".params")
    mx.nd.save(path, saved)
    back = mx.nd.load(path)
    assert isinstance(back, dict) and sorted(back) == sorted(saved), path
    for k, v in back.items():
        assert v.dtype == np.float32 and v.shape == saved[k].shape, (path, k)
        assert np.array_equal(v.asnumpy(), saved[k].asnumpy()), (path, k)
    print("%-28s %s" % (name, ", ".join("%s%s" % (k, tuple(v.shape)) for k, v in sorted(saved.items()))))


def main():
    os.makedirs(OUT, exist_ok=True)
    d = V("data")
    # ---- the foundation's operators
    case("fc_flatten", sym.FullyConnected(d, num_hidden=5, name="fc"), {"data": (4, 3, 2)})
    case("fc_noflatten", sym.FullyConnected(d, num_hidden=5, flatten=False, name="fc"), {"data": (2, 3, 4)})
    case("fc_nobias", sym.FullyConnected(d, num_hidden=3, no_bias=True, name="fc"), {"data": (4, 6)})
    relu_in = np.array([[-0.9, 0.5, -0.2, 0.7], [0.3, -0.6, 0.8, -0.4], [0.25, 0.9, -0.75, -0.1]], np.float32)
    for t in ("relu", "sigmoid", "tanh", "softrelu", "softsign"):
        case("act_" + t, sym.Activation(d, act_type=t, name="act"), {"data": (3, 4)},
             fixed={"data": relu_in} if t == "relu" else None, domain={"data": (-3, 3)})
    positive = {"data": (0.5, 2.0)}
    for op, dom in (("square", None), ("sqrt", positive), ("exp", None), ("log", positive),
                    ("abs", None), ("negative", None), ("reciprocal", positive), ("rsqrt", positive),
                    ("log1p", positive), ("expm1", None), ("sin", None), ("cos", None), ("sign", None),
                    ("relu", None), ("sigmoid", None), ("tanh", None)):
        fixed = {"data": relu_in} if op in ("abs", "relu", "sign") else None
        case("unary_" + op, getattr(sym, op)(d, name="u"), {"data": (3, 4)}, domain=dom, fixed=fixed)
    case("clip", sym.clip(d, a_min=-0.5, a_max=0.6, name="u"), {"data": (3, 4)}, fixed={"data": relu_in})
    l, r = V("lhs"), V("rhs")
    s34 = {"lhs": (3, 4), "rhs": (3, 4)}
    case("bin_add", l + r, s34)
    case("bin_sub", l - r, s34)
    case("bin_mul", l * r, s34)
    case("bin_div", l / r, s34, domain={"rhs": (0.5, 2.0)})
    case("bin_maximum", sym.maximum(l, r), s34)
    case("bin_minimum", sym.minimum(l, r), s34)
    case("bin_power", sym.power(l, r), s34, domain={"lhs": (0.5, 2.0)})
    # comparisons: 1 or 0, zero gradients (a > b on symbols makes _greater; a <= 0.25 makes _lesser_equal_scalar)
    case("cmp_greater", V("lhs") > V("rhs"), {"lhs": (2, 3), "rhs": (2, 3)})
    case("cmp_lesser_equal_scalar", d <= 0.25, {"data": (2, 3)})
    case("cmp_broadcast_not_equal", sym.broadcast_not_equal(V("lhs"), V("rhs")), {"lhs": (2, 3, 4), "rhs": (1, 3, 1)})
    case("cmp_broadcast_lesser", sym.broadcast_lesser(V("lhs"), V("rhs")), {"lhs": (2, 3, 4), "rhs": (1, 3, 1)})
    case("scalar_plus", d + 2, {"data": (3, 4)})
    case("scalar_minus", d - 2, {"data": (3, 4)})
    case("scalar_rminus", 2 - d, {"data": (3, 4)})
    case("scalar_mul", d * 3, {"data": (3, 4)})
    case("scalar_div", d / 4, {"data": (3, 4)})
    case("scalar_rdiv", 2 / d, {"data": (3, 4)}, domain=positive)
    case("scalar_power", d ** 3, {"data": (3, 4)})
    case("scalar_rpower", 2 ** d, {"data": (3, 4)})
    case("scalar_maximum", sym.maximum(d, 0.2), {"data": (3, 4)})
    case("scalar_minimum", sym.minimum(d, 0.2), {"data": (3, 4)})
    case("makeloss_null", sym.MakeLoss(sym.square(d), grad_scale=2, name="ml"), {"data": (4, 3)}, loss_outputs=(0,))
    case("make_loss_lower", sym.make_loss(sym.square(d), name="ml"), {"data": (4, 3)}, loss_outputs=(0,))
    case("makeloss_batch", sym.MakeLoss(sym.square(d), grad_scale=2, normalization="batch", name="ml"),
         {"data": (4, 3)}, loss_outputs=(0,))
    case("makeloss_valid", sym.MakeLoss(d, grad_scale=2, normalization="valid", valid_thresh=0.1, name="ml"),
         {"data": (4, 3)}, loss_outputs=(0,))
    case("blockgrad", sym.Group([sym.BlockGrad(d * 2), sym.MakeLoss(sym.square(d))]), {"data": (3, 2)},
         loss_outputs=(0, 1))
    x = V("data")
    y = sym.FullyConnected(data=x, num_hidden=1, name="fc")
    label = V("label")
    case("notebook", sym.Group([sym.BlockGrad(y), sym.MakeLoss(sym.square(y - label))]),
         {"data": (32, 2), "label": (32, 1)}, loss_outputs=(0, 1))

    # ---- shape and layout
    case("reshape_codes", sym.Reshape(d, shape=(2, -4, -1, 3, -2)), {"data": (2, 3, 4)})
    case("reshape_reverse", sym.Reshape(d, shape=(-1, 0), reverse=True), {"data": (10, 5, 4)})
    case("flatten", sym.Flatten(d), {"data": (2, 3, 4)})
    case("expand_dims", sym.expand_dims(d, axis=1), {"data": (2, 3)})
    case("transpose", sym.transpose(d, axes=(2, 0, 1)), {"data": (2, 3, 4)})
    case("transpose_default", sym.transpose(d), {"data": (2, 3, 4)})
    case("swapaxes", sym.swapaxes(d, dim1=0, dim2=2), {"data": (2, 3, 4)})
    a, b = V("a"), V("b")
    case("concat", sym.Concat(a, b, dim=1, name="cc"), {"a": (2, 3, 2), "b": (2, 1, 2)})
    case("split", sym.split(d, num_outputs=3, axis=1, name="sp"), {"data": (2, 6)})
    c3 = V("c")
    case("stack", sym.stack(a, b, c3, axis=1, name="st"), {"a": (2, 3), "b": (2, 3), "c": (2, 3)})
    case("stack_neg", sym.stack(a, b, axis=-1, name="st"), {"a": (2, 3), "b": (2, 3)})
    case("rnn_param_concat", sym._internal._rnn_param_concat(a, b, dim=0, num_args=2, name="pc"),
         {"a": (6,), "b": (4,)})
    case("split_squeeze", sym.split(d, num_outputs=3, axis=0, squeeze_axis=True, name="sp"), {"data": (3, 2, 2)})
    case("slice", sym.slice(d, begin=(1, None), end=(None, None), step=(1, -2)), {"data": (3, 5)})
    case("slice_axis", sym.slice_axis(d, axis=1, begin=-3, end=-1), {"data": (2, 5)})
    case("tile", sym.tile(d, reps=(2, 1, 3)), {"data": (2, 3)})
    case("repeat", sym.repeat(d, repeats=2, axis=1), {"data": (2, 3)})
    case("repeat_flat", sym.repeat(d, repeats=3), {"data": (2, 2)})

    # ---- broadcast, reductions, dot
    sb = {"lhs": (2, 1, 3), "rhs": (4, 1)}
    for op in ("add", "sub", "mul", "div", "maximum", "minimum", "power"):
        dom = {"rhs": (0.5, 2.0)} if op == "div" else ({"lhs": (0.5, 2.0)} if op == "power" else None)
        case("broadcast_" + op, getattr(sym, "broadcast_" + op)(l, r), sb, domain=dom)
    s234 = {"data": (2, 3, 4)}
    case("sum_all", sym.sum(d), s234)
    case("sum_axis", sym.sum(d, axis=(0, 2), keepdims=True), s234)
    case("mean_exclude", sym.mean(d, axis=1, exclude=True), s234)
    case("max_axis", sym.max(d, axis=2), s234)
    case("min_axis", sym.min(d, axis=0), s234)
    case("prod_axis", sym.prod(d, axis=1), s234, domain={"data": (0.5, 1.5)})
    case("norm_l2", sym.norm(d, axis=2), s234)
    case("norm_l1", sym.norm(d, ord=1, axis=1), s234)
    case("dot", sym.dot(l, r), {"lhs": (2, 3), "rhs": (3, 4)})
    case("dot_ta_tb", sym.dot(l, r, transpose_a=True, transpose_b=True), {"lhs": (3, 2), "rhs": (4, 3)})
    case("dot_nd", sym.dot(l, r), {"lhs": (2, 2, 3), "rhs": (3, 2)})
    case("batch_dot", sym.batch_dot(l, r), {"lhs": (2, 2, 3), "rhs": (2, 3, 4)})
    case("batch_dot_tb", sym.batch_dot(l, r, transpose_b=True), {"lhs": (2, 2, 3), "rhs": (2, 4, 3)})

    # ---- indexing and embeddings
    idx = V("indices")
    case("one_hot", sym.one_hot(idx, depth=4, on_value=2, off_value=-1), {"indices": (2, 3)},
         fixed={"indices": [[0, 3, 1], [2, 2, 0]]}, nograd=("indices",))
    case("argmax", sym.argmax(d, axis=1) * 1.0, {"data": (3, 4)})
    case("argmin", sym.argmin(d, axis=0) * 1.0, {"data": (3, 4)})
    index = V("index")
    case("pick", sym.pick(d, index, axis=1), {"data": (3, 4), "index": (3,)},
         fixed={"index": [3, 0, 2]}, nograd=("index",))
    case("pick_keepdims", sym.pick(d, index, axis=0, keepdims=True), {"data": (3, 4), "index": (1, 4)},
         fixed={"index": [[2, 0, 1, 1]]}, nograd=("index",))
    cond = V("condition")
    case("where", sym.where(cond, a, b), {"condition": (2, 3), "a": (2, 3), "b": (2, 3)},
         fixed={"condition": [[1, 0, 1], [0, 0, 2]]}, nograd=("condition",))
    case("embedding", sym.Embedding(d, input_dim=5, output_dim=3, name="emb"), {"data": (2, 3)},
         fixed={"data": [[0, 4, 1], [1, 1, 3]]}, nograd=("data",))
    case("zeros_like", sym.zeros_like(d) + d * 2 + sym.ones_like(d), {"data": (2, 3)})

    # ---- softmax family and outputs
    case("softmax", sym.softmax(d), s234)
    case("softmax_axis_temp", sym.softmax(d, axis=1, temperature=0.7), s234)
    case("log_softmax", sym.log_softmax(d, axis=0), s234)
    case("softmax_activation", sym.SoftmaxActivation(d), {"data": (3, 4)})
    case("softmax_activation_channel", sym.SoftmaxActivation(d, mode="channel"), s234)
    lab = V("label")
    case("softmax_cross_entropy", sym.softmax_cross_entropy(d, lab), {"data": (3, 4), "label": (3,)},
         fixed={"label": [3, 0, 1]}, nograd=("label",))
    so_in = {"data": (4, 3), "label": (4,)}
    so_lab = {"label": [2, 0, 1, 2]}
    case("softmax_output", sym.SoftmaxOutput(d, lab, name="softmax"), so_in, fixed=so_lab,
         nograd=("label",), loss_outputs=(0,))
    case("softmax_output_opts", sym.SoftmaxOutput(d, lab, grad_scale=2, normalization="batch", smooth_alpha=0.1,
                                                  name="softmax"), so_in, fixed=so_lab, nograd=("label",),
         loss_outputs=(0,))
    case("softmax_output_ignore", sym.SoftmaxOutput(d, lab, use_ignore=True, normalization="valid", name="softmax"),
         so_in, fixed={"label": [2, -1, 1, -1]}, nograd=("label",), loss_outputs=(0,))
    case("softmax_output_probs", sym.SoftmaxOutput(d, lab, name="softmax"), {"data": (4, 3), "label": (4, 3)},
         fixed={"label": [[0.2, 0.3, 0.5], [1, 0, 0], [0, 1, 0], [0, 0, 1]]}, nograd=("label",), loss_outputs=(0,))
    case("softmax_output_multi", sym.SoftmaxOutput(d, lab, multi_output=True, name="softmax"),
         {"data": (2, 3, 4), "label": (2, 4)}, fixed={"label": [[0, 1, 2, 0], [2, 2, 1, 0]]}, nograd=("label",),
         loss_outputs=(0,))
    case("softmax_output_preserve", sym.SoftmaxOutput(d, lab, preserve_shape=True, name="softmax"),
         {"data": (2, 3, 4), "label": (2, 3)}, fixed={"label": [[0, 3, 2], [1, 1, 0]]}, nograd=("label",),
         loss_outputs=(0,))
    reg_in = {"data": (3, 2), "label": (3, 2)}
    case("linear_regression", sym.LinearRegressionOutput(d, lab, grad_scale=2), reg_in, nograd=("label",),
         loss_outputs=(0,))
    case("logistic_regression", sym.LogisticRegressionOutput(d, lab), reg_in, domain={"label": (0, 1)},
         nograd=("label",), loss_outputs=(0,))
    case("mae_regression", sym.MAERegressionOutput(d, lab), reg_in, nograd=("label",), loss_outputs=(0,))

    # ---- convolution, pooling, batch normalisation
    case("conv2d", sym.Convolution(d, kernel=(3, 3), num_filter=4, name="conv"), {"data": (2, 3, 6, 5)})
    case("conv2d_stride_pad_dilate", sym.Convolution(d, kernel=(3, 2), num_filter=3, stride=(2, 1), pad=(1, 2),
                                                     dilate=(1, 2), name="conv"), {"data": (2, 2, 7, 6)})
    case("conv2d_group_nobias", sym.Convolution(d, kernel=(2, 2), num_filter=4, num_group=2, no_bias=True, name="conv"),
         {"data": (2, 4, 5, 5)})
    case("conv2d_1x1", sym.Convolution(d, kernel=(1, 1), num_filter=3, name="conv"), {"data": (2, 4, 3, 3)})
    case("conv1d", sym.Convolution(d, kernel=(3,), num_filter=2, stride=(2,), pad=(1,), name="conv"), {"data": (2, 3, 9)})
    case("conv3d", sym.Convolution(d, kernel=(2, 2, 2), num_filter=2, pad=(1, 0, 1), name="conv"), {"data": (1, 2, 3, 4, 3)})
    case("pool_max", sym.Pooling(d, kernel=(2, 2), stride=(2, 2), pool_type="max"), {"data": (2, 3, 6, 5)})
    case("pool_max_pad_full", sym.Pooling(d, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="max",
                                          pooling_convention="full"), {"data": (2, 2, 6, 7)})
    case("pool_avg_pad", sym.Pooling(d, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg"), {"data": (2, 2, 7, 6)})
    case("pool_avg_nopadcount", sym.Pooling(d, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg",
                                            count_include_pad=False), {"data": (2, 2, 7, 6)})
    case("pool_sum_1d", sym.Pooling(d, kernel=(3,), stride=(2,), pool_type="sum"), {"data": (2, 3, 8)})
    case("pool_global_avg", sym.Pooling(d, kernel=(1, 1), global_pool=True, pool_type="avg"), {"data": (2, 3, 4, 5)})
    case("pool_max_3d", sym.Pooling(d, kernel=(2, 2, 2), stride=(1, 2, 2), pool_type="max"), {"data": (1, 2, 3, 4, 4)})
    case("batchnorm", sym.BatchNorm(d, fix_gamma=False, name="bn"), {"data": (4, 3, 2, 2)}, domain={"bn_gamma": (0.5, 1.5)})
    case("batchnorm_fix_gamma", sym.BatchNorm(d, name="bn"), {"data": (4, 3, 5)})
    case("batchnorm_axis_last", sym.BatchNorm(d, fix_gamma=False, axis=-1, eps=1e-4, momentum=0.8, name="bn"),
         {"data": (5, 2, 3)})
    case("batchnorm_global", sym.BatchNorm(d, fix_gamma=False, use_global_stats=True, name="bn"), {"data": (3, 2, 4)})

    # ---- recurrent: unrolled cells and the fused operator
    x = V("data")
    for kind, cell in (("lstm", mx.rnn.LSTMCell(4, prefix="lstm_")), ("gru", mx.rnn.GRUCell(4, prefix="gru_")),
                       ("rnn_tanh", mx.rnn.RNNCell(4, prefix="rnn_"))):
        outs, states = cell.unroll(3, inputs=x, merge_outputs=True)
        case("unrolled_" + kind, sym.Group([outs] + list(states)), {"data": (2, 3, 5)})
    for mode, layers, bi in (("lstm", 1, False), ("lstm", 2, True), ("gru", 2, False), ("rnn_tanh", 1, True),
                             ("rnn_relu", 1, False)):
        name = "fused_%s_l%d%s" % (mode, layers, "_bi" if bi else "")
        r = sym.RNN(x, V("parameters"), V("state"), *( [V("state_cell")] if mode == "lstm" else []),
                    state_size=4, num_layers=layers, mode=mode, bidirectional=bi, state_outputs=True, name="r")
        g = 4 if mode == "lstm" else (3 if mode == "gru" else 1)
        d = 2 if bi else 1
        size = 0
        for l in range(layers):
            inp = 5 if l == 0 else 4 * d
            size += d * (g * 4 * inp + g * 4 * 4 + 2 * g * 4)
        shapes = {"data": (3, 2, 5), "parameters": (size,), "state": (layers * d, 2, 4)}
        if mode == "lstm":
            shapes["state_cell"] = (layers * d, 2, 4)
        case(name, r, shapes, domain={"parameters": (-0.5, 0.5)})

    # operator families whose cases live in their own files: golden_<family>.py, each with
    # cases(case), run in this order
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import golden_norm
    import golden_act
    import golden_deconv
    import golden_layout
    import golden_seq
    import golden_ordering
    import golden_spatial
    for family in (golden_norm, golden_act, golden_deconv, golden_layout, golden_seq, golden_ordering,
                   golden_spatial):
        family.cases(case)


if __name__ == "__main__":
    main()
