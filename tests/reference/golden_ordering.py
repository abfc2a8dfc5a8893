"""Golden cases for make_golden.py (see its docstring for the conventions): topk, sort, argsort,
gather_nd and scatter_nd. The data are random uniform values, so no two entries of a row are equal
(MXNet's CPU sort is not stable: the order of equal values is not part of the cases)."""
import mxnet as mx

sym = mx.sym
V = sym.Variable


def cases(case):
    d = V("data")
    # topk: the hidden positions output of ret_typ='value' feeds the gradient; 'both' gets a head
    # for the positions too, which MXNet's gradient ignores
    case("topk_value", sym.topk(d, axis=1, k=2, ret_typ="value"), {"data": (2, 4, 3)})
    case("topk_both_ascend", sym.topk(d, k=3, ret_typ="both", is_ascend=True), {"data": (3, 5)})
    case("topk_indices", sym.topk(d, axis=0, k=2), {"data": (3, 4)})
    case("topk_mask_flat", sym.topk(d, axis=None, k=3, ret_typ="mask"), {"data": (2, 3)})
    case("topk_value_flat", sym.topk(d, axis=None, k=4, ret_typ="value"), {"data": (2, 3)})
    # axis=-1 written out: with the default left out, MXNet 1.9.1 cannot bind sort's gradient
    # ("Invalid Parameter format for axis ... value=''" in _backward_topk)
    case("sort", sym.sort(d, axis=-1), {"data": (3, 4)})
    case("sort_desc_axis0", sym.sort(d, axis=0, is_ascend=False), {"data": (3, 2, 2)})
    case("argsort", sym.argsort(d), {"data": (3, 4)})
    case("argsort_desc_flat", sym.argsort(d, axis=None, is_ascend=False), {"data": (2, 3)})
    # gather_nd: a repeated position adds its gradients. Non-negative coordinates only: MXNet
    # 1.9.1's forward counts negative ones from the end, but its _backward_gather_nd writes
    # outside the gradient for them (heap corruption); tests/test_ops_index.cpp checks the forward
    idx = V("indices")
    case("gather_nd", sym.gather_nd(d, idx), {"data": (3, 4, 2), "indices": (2, 2, 3)},
         fixed={"indices": [[[0, 2, 2], [1, 0, 2]], [[1, 0, 3], [0, 1, 1]]]}, nograd=("indices",))
    case("gather_nd_full", sym.gather_nd(d, idx), {"data": (2, 3), "indices": (2, 4)},
         fixed={"indices": [[1, 0, 1, 0], [2, 0, 1, 2]]}, nograd=("indices",))
    # scatter_nd: distinct, non-negative coordinates (MXNet 1.9.1 writes outside the output for
    # negative ones, and leaves the order of repeated ones open)
    case("scatter_nd", sym.scatter_nd(d, idx, shape=(3, 3, 2)), {"data": (4, 2), "indices": (2, 4)},
         fixed={"indices": [[0, 2, 1, 2], [1, 0, 2, 2]]}, nograd=("indices",))
