"""Golden cases for make_golden.py (see its docstring for the conventions)."""
import mxnet as mx

sym = mx.sym
V = sym.Variable


def cases(case):
    d = V("data")
    # ---- LayerNorm: the last axis (default), axis 1, and the mean and std outputs (MXNet ignores
    # the head gradients given for those two)
    case("layernorm_last", sym.LayerNorm(d, name="ln"), {"data": (2, 3, 4)}, domain={"ln_gamma": (0.5, 1.5)})
    case("layernorm_axis1", sym.LayerNorm(d, axis=1, eps=1e-3, name="ln"), {"data": (2, 3, 4)},
         domain={"ln_gamma": (0.5, 1.5)})
    case("layernorm_mean_var", sym.LayerNorm(d, axis=-2, output_mean_var=True, name="ln"), {"data": (3, 4, 2)},
         domain={"ln_gamma": (0.5, 1.5)})
    # ---- InstanceNorm on 3-d and 4-d data
    case("instancenorm_3d", sym.InstanceNorm(d, name="in"), {"data": (2, 3, 5)}, domain={"in_gamma": (0.5, 1.5)})
    case("instancenorm_4d", sym.InstanceNorm(d, eps=1e-4, name="in"), {"data": (2, 3, 3, 4)},
         domain={"in_gamma": (0.5, 1.5)})
    # ---- L2Normalization, each mode
    for mode in ("instance", "channel", "spatial"):
        case("l2norm_" + mode, sym.L2Normalization(d, mode=mode, name="l2"), {"data": (2, 3, 2, 3)})
    case("l2norm_instance_2d", sym.L2Normalization(d, eps=1e-4, name="l2"), {"data": (4, 5)})
    # ---- LRN across channels: MXNet's defaults, and a strong normalisation with a wider window
    case("lrn_n3", sym.LRN(d, nsize=3, name="lrn"), {"data": (2, 5, 3, 3)}, domain={"data": (-3, 3)})
    case("lrn_n5", sym.LRN(d, nsize=5, alpha=0.8, beta=0.6, knorm=1.2, name="lrn"), {"data": (2, 6, 2, 3)})
