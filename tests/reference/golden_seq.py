"""Golden cases for make_golden.py (see its docstring for the conventions): the elementwise
functions computed value by value (erf, the rounding functions, smooth_l1, hard_sigmoid), _arange,
the Sequence* operators and take."""
import mxnet as mx
import numpy as np

sym = mx.sym
V = sym.Variable


def cases(case):
    d = V("data")
    wide = {"data": (-3.0, 3.0)}
    case("erf", sym.erf(d), {"data": (3, 4)}, domain=wide)
    # halves and values near them, both signs: where round, rint, fix and floor differ
    steps = np.array([[-2.5, -1.5, -0.5, 0.5], [1.5, 2.5, -0.7, 0.7], [-1.2, 1.2, 2.0, -3.9]], np.float32)
    for op in ("floor", "ceil", "round", "rint", "trunc", "fix"):
        case("rounding_" + op, getattr(sym, op)(d), {"data": (3, 4)}, fixed={"data": steps})
    # |x| on both sides of 1/sigma^2 = 0.25
    case("smooth_l1", sym.smooth_l1(d, scalar=2.0), {"data": (3, 4)})
    case("hard_sigmoid", sym.hard_sigmoid(d), {"data": (3, 4)}, domain=wide)
    case("hard_sigmoid_ab", sym.hard_sigmoid(d, alpha=0.3, beta=0.4), {"data": (3, 4)}, domain=wide)
    # _arange has no inputs: multiplied by one to get an argument and a gradient
    case("arange_repeat", d * sym.arange(start=1, stop=7, step=2, repeat=2), {"data": (6,)})
    case("arange_float", sym.broadcast_add(d, sym.arange(0, 1, 0.3)), {"data": (2, 4)})
    # sequences: (T, N, C) = (4, 3, 2), lengths 1, 4, 2
    lens = V("sequence_length")
    seq = {"data": (4, 3, 2), "sequence_length": (3,)}
    fixed = {"sequence_length": [1, 4, 2]}
    case("sequence_mask", sym.SequenceMask(d, lens, use_sequence_length=True, value=-1.5), seq, fixed=fixed,
         nograd=("sequence_length",))
    case("sequence_mask_axis1", sym.SequenceMask(d, lens, use_sequence_length=True, axis=1),
         {"data": (3, 4, 2), "sequence_length": (3,)}, fixed=fixed, nograd=("sequence_length",))
    case("sequence_last", sym.SequenceLast(d, lens, use_sequence_length=True), seq, fixed=fixed,
         nograd=("sequence_length",))
    case("sequence_last_axis1", sym.SequenceLast(d, lens, use_sequence_length=True, axis=1),
         {"data": (3, 4, 2), "sequence_length": (3,)}, fixed=fixed, nograd=("sequence_length",))
    case("sequence_last_nolen", sym.SequenceLast(d), {"data": (4, 3, 2)})
    case("sequence_reverse", sym.SequenceReverse(d, lens, use_sequence_length=True), seq, fixed=fixed,
         nograd=("sequence_length",))
    case("sequence_reverse_nolen", sym.SequenceReverse(d), {"data": (4, 3, 2)})
    # take: repeated indices (their gradients add up), out-of-range ones clipped or wrapped
    a, idx = V("a"), V("indices")
    case("take", sym.take(a, idx), {"a": (5, 3), "indices": (2, 3)}, fixed={"indices": [[0, 4, 1], [1, 1, 7]]},
         nograd=("indices",))
    case("take_axis_wrap", sym.take(a, idx, axis=1, mode="wrap"), {"a": (2, 3, 2), "indices": (4,)},
         fixed={"indices": [2, -1, 4, 0]}, nograd=("indices",))
