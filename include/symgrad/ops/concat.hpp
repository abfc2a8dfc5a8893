// Concat(arg0..arg{n-1}; num_args, dim=1): join along `dim`; every other dim must agree.
// SliceChannel/split(data; num_outputs, axis=1, squeeze_axis=False): n equal parts along `axis`
//   (outputs output0..), the axis removed with squeeze_axis (it must then equal num_outputs).
// Gradients: Concat's is the split of dy; SliceChannel's the concatenation of its outputs' dy
// (zeros for outputs nothing flowed to).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../symbol/typed.hpp"
#include "elemwise.hpp"

namespace SYMGRAD_NS {
namespace ops {

// SliceChannel's (split's) parameters in MXNet's order (sym::SplitOptions); `name` names the node
// and is not an attribute. The attribute table is in ops/concat-inl.hpp.
struct SliceChannelParam {
  std::int64_t num_outputs = 0;
  std::int64_t axis = 1;
  bool squeeze_axis = false;
  std::string name = {};
};
// Operator classes (ops/concat-inl.hpp).
class Concat;
class SplitLike;
class SliceChannelBackward;
class SliceChannel;

}  // namespace ops

namespace sym {

struct ConcatOptions {
  std::int64_t dim = 1;
  std::string name = {};
};
Symbol concat(const std::vector<Symbol>& data, const ConcatOptions& o = {});
Symbol Concat(const std::vector<Symbol>& data, const ConcatOptions& o = {});
using SplitOptions = ops::SliceChannelParam;
Symbol split(const Symbol& data, const SplitOptions& o);
Symbol slice_channel(const Symbol& data, const SplitOptions& o);
Symbol SliceChannel(const Symbol& data, const SplitOptions& o);
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS {
namespace why {
struct inputs_differ_outside_the_concat_dim;
}
namespace ops {
template <std::int64_t Dim, class... A>
struct ConcatCheck {
  static constexpr int nd = (A::shape.ndim(), ...);
  static constexpr bool same_rank = ((A::shape.ndim() == nd) && ...);
  static constexpr int ax = static_cast<int>(Dim < 0 ? Dim + nd : Dim);
  static constexpr Shape compute(bool& ok) {
    Shape common = Shape::unknown_dims(nd);
    std::int64_t total = 0;
    bool known = true;
    ok = same_rank && ax >= 0 && ax < nd;
    if (!ok) return Shape::unknown();
    for (const Shape& s : {A::shape...}) {
      Shape t = s;
      t[ax] = dyn;
      auto m = merge(common, t);
      ok = ok && m.ok;
      common = m.shape;
      if (s[ax] < 0)
        known = false;
      else
        total += s[ax];
    }
    common[ax] = known ? total : dyn;
    return common;
  }
  static constexpr bool ok = [] {
    bool o = true;
    compute(o);
    return o;
  }();
  static constexpr Shape value = [] {
    bool o = true;
    return compute(o);
  }();
};
}  // namespace ops
namespace sym {
// Typed: concat<1>(a, b, ...) checks the inputs' static shapes.
template <std::int64_t Dim = 1, Typed... A>
auto concat(const A&... xs) {
  using H = ops::ConcatCheck<Dim, A...>;
  if constexpr (!H::ok) {
    static_shape_error<ops::Concat, why::inputs_differ_outside_the_concat_dim,
                       typename A::shape_type...>::raise();
  } else {
    return TSym<to_static_t<H>>(concat(std::vector<Symbol>{Symbol(xs)...}, {.dim = Dim}));
  }
}
}  // namespace sym
}  // namespace SYMGRAD_NS
