"""Golden cases for make_golden.py (see its docstring for the conventions): Deconvolution and
Pooling's lp type."""
import mxnet as mx

sym = mx.sym
V = sym.Variable


def cases(case):
    d = V("data")
    case("deconv2d", sym.Deconvolution(d, kernel=(3, 3), num_filter=4, no_bias=False, name="dc"), {"data": (2, 3, 4, 5)})
    case("deconv2d_stride_pad_adj", sym.Deconvolution(d, kernel=(4, 3), num_filter=3, stride=(2, 2), pad=(1, 1),
                                                      adj=(1, 0), name="dc"), {"data": (2, 2, 3, 4)})
    case("deconv2d_group_dilate", sym.Deconvolution(d, kernel=(2, 3), num_filter=6, num_group=2, dilate=(2, 1),
                                                    no_bias=False, name="dc"), {"data": (2, 4, 3, 3)})
    case("deconv2d_target", sym.Deconvolution(d, kernel=(4, 4), num_filter=2, stride=(2, 2), target_shape=(9, 8),
                                              name="dc"), {"data": (1, 3, 4, 4)})
    case("deconv1d", sym.Deconvolution(d, kernel=(3,), num_filter=2, stride=(3,), pad=(1,), no_bias=False, name="dc"),
         {"data": (2, 3, 5)})
    # (MXNet 1.9.1 computes 3-d deconvolution only through oneDNN; the 3-d path is checked by
    # gradients and against Convolution's data gradient instead.)
    case("pool_lp2", sym.Pooling(d, kernel=(2, 2), stride=(1, 2), pool_type="lp", p_value=2), {"data": (2, 2, 4, 5)})
    case("pool_lp3_pad", sym.Pooling(d, kernel=(3,), stride=(2,), pad=(1,), pool_type="lp", p_value=3), {"data": (2, 3, 7)})
    case("pool_lp1_global", sym.Pooling(d, kernel=(1, 1), global_pool=True, pool_type="lp", p_value=1), {"data": (2, 3, 3, 4)})
    # depthwise convolutions (one input channel per group) take symgrad's direct path
    case("conv2d_depthwise", sym.Convolution(d, kernel=(3, 3), num_filter=6, num_group=3, stride=(2, 1), pad=(1, 1),
                                             dilate=(1, 2), name="conv"), {"data": (2, 3, 7, 6)})
    case("conv1d_depthwise", sym.Convolution(d, kernel=(3,), num_filter=4, num_group=4, stride=(2,), pad=(2,),
                                             no_bias=True, name="conv"), {"data": (2, 4, 9)})
