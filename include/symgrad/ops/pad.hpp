// Pad(data; mode='constant'|'edge'|'reflect', pad_width, constant_value=0), as MXNet 1.9.1:
// * data must be 4-D or 5-D; pad_width = (before_0, after_0, …, before_{r−1}, after_{r−1}), 2·r
//   values, and the first four (batch and channel axes) must be 0: only the last two or three
//   axes are padded; out[i] = in[i] + before_i + after_i.
// * constant fills with constant_value; edge repeats the border element; reflect mirrors about
//   the border without repeating it (numpy's 'reflect'), which needs every width below the size
//   of its axis.
// * gradient: each output element's gradient goes to the input element it was copied from, so
//   edge and reflect accumulate several into one source; constant padding gets none.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../symbol/compose.hpp"
#include "../symbol/typed.hpp"

namespace SYMGRAD_NS {
namespace ops {

enum class PadMode { constant, edge, reflect };

// Up to ten pad widths (5-D data), usable in constant expressions.
struct PadWidth {
  int n = 0;
  std::array<std::int64_t, 10> v{};
  constexpr PadWidth() = default;
  constexpr PadWidth(std::initializer_list<std::int64_t> l) {
    for (auto x : l)
      if (n < 10)
        v[static_cast<std::size_t>(n++)] = x;
      else
        n = 11;  // too many: pad_rule reports the length
  }
  constexpr std::int64_t operator[](int i) const { return v[static_cast<std::size_t>(i)]; }
  std::vector<std::int64_t> vec() const { return {v.begin(), v.begin() + std::min(n, 10)}; }
  static PadWidth from(const std::vector<std::int64_t>& x) {
    if (x.size() > 10)
      throw ValueError("Pad: pad_width has " + std::to_string(x.size()) +
                       " values; 4-D data takes 8 and 5-D data 10");
    PadWidth p;
    for (auto e : x) p.v[static_cast<std::size_t>(p.n++)] = e;
    return p;
  }
};

struct PadParam {
  PadMode mode = PadMode::constant;
  PadWidth pad_width;
  double constant_value = 0;
};

struct PadShapes {
  Shape out = Shape::unknown();
  const char* error = nullptr;
  int code = 0;  // 1: rank, 2: pad_width length, 3: batch/channel padding, 4: reflect width
};

// The shape rule, usable at compile time.
constexpr PadShapes pad_rule(const Shape& data, const PadParam& p) {
  PadShapes r;
  if (!data.rank_known()) return r;
  const int nd = data.ndim();
  if (nd != 4 && nd != 5) {
    r.error = "Pad takes 4-D or 5-D data (MXNet pads the last two or three axes only)";
    r.code = 1;
    return r;
  }
  if (p.pad_width.n != 2 * nd) {
    r.error = "pad_width needs two values (before, after) per axis of the data: 8 for 4-D, 10 for 5-D";
    r.code = 2;
    return r;
  }
  for (int i = 0; i < 4; ++i)
    if (p.pad_width[i] != 0) {
      r.error = "pad_width must be 0 for the batch and channel axes (its first four values)";
      r.code = 3;
      return r;
    }
  Shape out;
  for (int i = 0; i < nd; ++i) {
    const std::int64_t b = p.pad_width[2 * i], a = p.pad_width[2 * i + 1];
    if (data[i] >= 0 && p.mode == PadMode::reflect && (b >= data[i] || a >= data[i])) {
      r.error = "reflect padding needs every pad width smaller than the size of its axis";
      r.code = 4;
      return r;
    }
    out.push_back(data[i] < 0 ? dyn : add_size(add_size(data[i], b), a));
  }
  r.out = out;
  return r;
}
// "constant", "edge" or "reflect"; a ValueError otherwise.
PadMode parse_pad_mode(const std::string& s);

// Operator classes (ops/pad-inl.hpp).
class PadBackward;
class Pad;

}  // namespace ops

namespace sym {

struct PadOptions {
  std::string mode = "constant";  // constant, edge or reflect
  std::vector<std::int64_t> pad_width = {};
  double constant_value = 0;
  std::string name = {};
};
// pad(x, {.mode = "edge", .pad_width = {0, 0, 0, 0, 1, 1, 2, 2}}) for 4-D (N, C, H, W) data.
Symbol pad(const Symbol& data, const PadOptions& o);
Symbol Pad(const Symbol& data, const PadOptions& o);
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS {
namespace ops {
template <class A, PadWidth W>
struct PadOut {
  static constexpr Shape value = pad_rule(A::shape, PadParam{PadMode::constant, W, 0}).out;
};
}  // namespace ops
namespace why {
struct pad_needs_4d_or_5d_data;
struct pad_width_needs_two_values_per_axis;
struct pad_width_of_batch_and_channel_must_be_0;
}  // namespace why
namespace sym {
// Pad widths for the typed pad: pad_width(0, 0, 0, 0, 1, 1, 2, 2).
template <class... I>
constexpr ops::PadWidth pad_width(I... v) {
  return ops::PadWidth{static_cast<std::int64_t>(v)...};
}
struct TypedPadOptions {
  std::string mode = "constant";
  double constant_value = 0;
  std::string name = {};
};
// Typed: pad<pad_width(0, 0, 0, 0, 1, 1, 1, 1)>(x) on static 4-D or 5-D data has the padded static
// shape; another rank, a pad_width of the wrong length, or padding of N or C does not compile.
// reflect's limit (widths below the axis sizes) is checked when called.
template <ops::PadWidth W, Typed A>
auto pad(const A& x, const TypedPadOptions& o = {}) {
  constexpr auto r = ops::pad_rule(A::shape, ops::PadParam{ops::PadMode::constant, W, 0});
  if constexpr (r.code == 1) {
    static_shape_error<ops::Pad, why::pad_needs_4d_or_5d_data, typename A::shape_type>::raise();
  } else if constexpr (r.code == 2) {
    static_shape_error<ops::Pad, why::pad_width_needs_two_values_per_axis, typename A::shape_type>::raise();
  } else if constexpr (r.code == 3) {
    static_shape_error<ops::Pad, why::pad_width_of_batch_and_channel_must_be_0,
                       typename A::shape_type>::raise();
  } else {
    const ops::PadParam p{ops::parse_pad_mode(o.mode), W, o.constant_value};
    if (auto e = ops::pad_rule(A::shape, p); e.error)
      throw ValueError("typed pad: data " + A::shape.str() + " with pad_width=" + attr::format(W.vec()) +
                       ": " + e.error);
    return TSym<to_static_t<ops::PadOut<A, W>>>(
        pad(Symbol(x),
            {.mode = o.mode, .pad_width = W.vec(), .constant_value = o.constant_value, .name = o.name}));
  }
}
}  // namespace sym
}  // namespace SYMGRAD_NS
