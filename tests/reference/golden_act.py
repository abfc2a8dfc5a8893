"""Golden cases for make_golden.py (see its docstring for the conventions)."""
import mxnet as mx

sym = mx.sym
V = sym.Variable


def cases(case):
    d = V("data")
    # ---- LeakyReLU. No rrelu case: MXNet 1.9.1's CPU rrelu fails in the training forward
    # ("Check failed: req.type == ResourceRequest::kTempSpace"), the only mode make_golden runs.
    wide = {"data": (-3.0, 3.0)}
    case("leaky_leaky", sym.LeakyReLU(d, act_type="leaky", slope=0.1, name="lr"), {"data": (2, 3, 4)}, domain=wide)
    # a negative slope: MXNet's gradient reads the sign of the output, so dx = dy where x < 0
    case("leaky_leaky_negative_slope", sym.LeakyReLU(d, slope=-0.5, name="lr"), {"data": (3, 4)}, domain=wide)
    case("leaky_elu", sym.LeakyReLU(d, act_type="elu", slope=0.7, name="lr"), {"data": (2, 3, 4)}, domain=wide)
    # selu on positive inputs only: for x < 0 MXNet's gradient is not the derivative (symgrad's is;
    # tests/test_ops_act.cpp checks that side against the formula and finite differences)
    case("leaky_selu", sym.LeakyReLU(d, act_type="selu", name="lr"), {"data": (2, 3, 4)}, domain={"data": (0.05, 3.0)})
    case("leaky_gelu", sym.LeakyReLU(d, act_type="gelu", name="lr"), {"data": (2, 3, 4)}, domain=wide)
    case("leaky_prelu", sym.LeakyReLU(d, act_type="prelu", name="lr"), {"data": (2, 3, 2, 2)})
    case("leaky_prelu_2d", sym.LeakyReLU(d, act_type="prelu", name="lr"), {"data": (5, 3)})
    case("leaky_prelu_one_slope", sym.LeakyReLU(d, act_type="prelu", name="lr"),
         {"data": (2, 3, 4), "lr_gamma": (1,)})
    # gamma (N, C): one slope per sample and channel (gamma's dims meet data axes 0 and 1)
    case("leaky_prelu_per_sample", sym.LeakyReLU(d, act_type="prelu", name="lr"),
         {"data": (2, 3, 4), "lr_gamma": (2, 3)})
    # ---- Pad (4-D and 5-D; only the spatial axes)
    for mode in ("constant", "edge", "reflect"):
        extra = {"constant_value": 1.5} if mode == "constant" else {}
        case("pad_" + mode, sym.Pad(d, mode=mode, pad_width=(0, 0, 0, 0, 1, 2, 2, 1), name="p", **extra),
             {"data": (2, 2, 3, 4)})
        case("pad_%s_5d" % mode, sym.Pad(d, mode=mode, pad_width=(0, 0, 0, 0, 1, 0, 2, 1, 0, 2), name="p", **extra),
             {"data": (1, 2, 3, 3, 4)})
    # ---- UpSampling
    case("upsampling_nearest", sym.UpSampling(d, scale=2, sample_type="nearest", name="up"), {"data": (2, 3, 2, 3)})
    a, b, c = V("a"), V("b"), V("c")
    case("upsampling_nearest_concat", sym.UpSampling(a, b, c, scale=2, sample_type="nearest", name="up"),
         {"a": (2, 2, 2, 2), "b": (2, 1, 1, 1), "c": (2, 3, 4, 4)})  # b repeated 4 times, c once
    case("upsampling_nearest_sum",
         sym.UpSampling(a, b, scale=3, sample_type="nearest", multi_input_mode="sum", name="up"),
         {"a": (1, 2, 2, 2), "b": (1, 2, 1, 1)})
    for s, shape in ((2, (2, 3, 3, 4)), (3, (1, 2, 3, 2)), (4, (1, 2, 2, 3))):
        case("upsampling_bilinear_s%d" % s,
             sym.UpSampling(d, scale=s, sample_type="bilinear", num_filter=shape[1], name="up"), {"data": shape})
