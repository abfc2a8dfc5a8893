"""Golden cases for make_golden.py (see its docstring for the conventions): the layout operators
of MXNet's model exports (Cast, amp_cast, amp_multicast, squeeze, reverse, broadcast_to/axis/like, reshape_like, slice_like)."""
import mxnet as mx

sym = mx.sym
V = sym.Variable


def cases(case):
    d, l, r = V("data"), V("lhs"), V("rhs")
    # Cast there and back: the gradient is cast back at each step (float64 inside)
    case("cast", sym.Cast(sym.Cast(d, dtype="float64") * 2, dtype="float32", name="c"), {"data": (2, 3)})
    # AMP's casts through float16 and back: values and gradients rounded to float16 on the way
    case("amp_cast", sym.amp_cast(sym.amp_cast(d, dtype="float16", name="h"), dtype="float32", name="f"),
         {"data": (2, 3)}, domain={"data": (-3, 3)})
    for narrow in (False, True):
        m = sym.amp_multicast(l, sym.amp_cast(r, dtype="float16", name="h"), num_outputs=2, cast_narrow=narrow,
                              name="m")
        case("amp_multicast_narrow" if narrow else "amp_multicast",
             sym.Group([sym.amp_cast(m[0], dtype="float32", name="f0"), sym.amp_cast(m[1], dtype="float32", name="f1")]),
             {"lhs": (2, 3), "rhs": (2, 3)}, domain={"lhs": (-3, 3), "rhs": (-3, 3)})
    case("squeeze", sym.squeeze(d, axis=(1,)), {"data": (2, 1, 3, 1)})
    case("squeeze_all", sym.squeeze(d), {"data": (2, 1, 3, 1)})
    case("reverse", sym.flip(d, axis=(0, 2)), {"data": (2, 3, 4)})
    case("broadcast_to", sym.broadcast_to(d, shape=(2, 0, 3)), {"data": (1, 4, 1)})
    case("broadcast_axis", sym.broadcast_axis(d, axis=(0, 2), size=(2, 4)), {"data": (1, 3, 1)})
    case("broadcast_like", sym.broadcast_like(l, r), {"lhs": (1, 3, 1), "rhs": (2, 3, 4)})
    case("broadcast_like_axes", sym.broadcast_like(l, r, lhs_axes=(0,), rhs_axes=(1,)),
         {"lhs": (1, 3), "rhs": (2, 5)})
    case("reshape_like", sym.reshape_like(l, r), {"lhs": (2, 3), "rhs": (3, 2)})
    case("reshape_like_range", sym.reshape_like(l, r, lhs_begin=1, lhs_end=None, rhs_begin=1, rhs_end=None),
         {"lhs": (4, 6), "rhs": (2, 2, 3)})
    case("slice_like", sym.slice_like(l, r), {"lhs": (4, 6), "rhs": (2, 3)})
    case("slice_like_axes", sym.slice_like(l, r, axes=(-1,)), {"lhs": (4, 6), "rhs": (2, 3)})
