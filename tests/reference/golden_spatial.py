"""Golden cases for make_golden.py (see its docstring for the conventions): Crop,
_contrib_BilinearResize2D and _contrib_AdaptiveAvgPooling2D."""
import mxnet as mx

sym = mx.sym
V = sym.Variable


def cases(case):
    d, like = V("data"), V("crop_like")
    case("crop_hw_offset", sym.Crop(d, num_args=1, offset=(1, 2), h_w=(3, 2)), {"data": (2, 2, 5, 6)})
    case("crop_like_center", sym.Crop(d, like, num_args=2, center_crop=True), {"data": (1, 2, 7, 6), "crop_like": (1, 1, 4, 3)})
    case("crop_like_offset", sym.Crop(d, like, num_args=2, offset=(2, 1)), {"data": (2, 1, 5, 5), "crop_like": (3, 4, 2, 3)})
    bil = sym.contrib.BilinearResize2D
    case("bilinear_up", bil(d, height=7, width=9), {"data": (2, 2, 3, 4)})
    case("bilinear_down_noalign", bil(d, height=3, width=2, align_corners=False), {"data": (1, 2, 5, 7)})
    case("bilinear_up_noalign", bil(d, height=6, width=5, align_corners=False), {"data": (1, 2, 4, 3)})
    case("bilinear_scale", bil(d, scale_height=2.0, scale_width=0.5), {"data": (1, 1, 3, 6)})
    case("bilinear_odd_scale", bil(d, scale_height=2.0, scale_width=1.5, mode="odd_scale"), {"data": (1, 2, 3, 4)})
    case("bilinear_to_even_up", bil(d, mode="to_even_up"), {"data": (1, 2, 3, 5)})
    case("bilinear_like", bil(d, V("like"), mode="like"), {"data": (1, 2, 4, 4), "like": (2, 3, 6, 3)})
    case("bilinear_same", bil(d, height=3, width=4), {"data": (1, 2, 3, 4)})
    ada = sym.contrib.AdaptiveAvgPooling2D
    case("adaptive_avg_pool", ada(d, output_size=(2, 3)), {"data": (2, 2, 5, 7)})
    case("adaptive_avg_pool_up", ada(d, output_size=4), {"data": (1, 2, 3, 3)})
    case("adaptive_avg_pool_global", ada(d), {"data": (2, 3, 4, 5)})
