// _contrib_BilinearResize2D(data[, like]; height=1, width=1, scale_height=None, scale_width=None,
// mode='size', align_corners=True): 4-D data (N, C, H, W) resized to (N, C, h, w) by bilinear
// interpolation. (h, w) by mode: size — (height, width), or int(scale × H) / int(scale × W) for
// an axis whose scale is given; odd_scale — int(scale × H) for even H, int((H − 1) × scale) + 1
// for odd H (both scales required); like — like's last two sizes (a second input); to_even_down,
// to_even_up, to_odd_down, to_odd_up — the nearest even or odd size below or above (H itself when
// it already is). align_corners maps the corner pixels onto each other (source = dst × (H − 1) /
// (h − 1)); without it pixel centres are aligned (source = (dst + 0.5) × H / h − 0.5, at least 0).
// Equal sizes copy. Gradient: dy spread back with the same weights; none to `like`.
// Shape: (N, C, h, w); a size below 1 is a ShapeError.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "../symbol/compose.hpp"
#include "choice.hpp"

namespace SYMGRAD_NS {
namespace ops {

enum class ResizeMode { size, odd_scale, like, to_even_down, to_even_up, to_odd_down, to_odd_up };
template <>
inline constexpr std::array<std::string_view, 7> enum_names<ResizeMode>{
    "size", "odd_scale", "like", "to_even_down", "to_even_up", "to_odd_down", "to_odd_up"};

// The parameters in MXNet's order; `name` names the node and is not an attribute. The attribute
// table is in ops/bilinear_resize-inl.hpp.
struct BilinearResize2DParam {
  int height = 1;
  int width = 1;
  std::optional<float> scale_height = {};
  std::optional<float> scale_width = {};
  Choice<ResizeMode> mode = ResizeMode::size;  // or by name: .mode = "like"
  bool align_corners = true;
  std::string name = {};
};
// Operator classes (ops/bilinear_resize-inl.hpp).
class BilinearResize2D;
class BilinearResize2DBackward;
}  // namespace ops

namespace sym {
using BilinearResize2DOptions = ops::BilinearResize2DParam;
// bilinear_resize2d(x, {.height = 8, .width = 8}); with mode 'like', give the second input:
// bilinear_resize2d(x, y, {.mode = "like"}).
Symbol bilinear_resize2d(const Symbol& data, const BilinearResize2DOptions& o = {});
Symbol bilinear_resize2d(const Symbol& data, const Symbol& like, const BilinearResize2DOptions& o);
namespace contrib {
// mx.sym.contrib.BilinearResize2D
Symbol BilinearResize2D(const Symbol& data, const BilinearResize2DOptions& o = {});
Symbol BilinearResize2D(const Symbol& data, const Symbol& like, const BilinearResize2DOptions& o);
}  // namespace contrib
}  // namespace sym
}  // namespace SYMGRAD_NS
