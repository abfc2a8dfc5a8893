// transpose(data; axes=() reversed) and SwapAxis/swapaxes(data; dim1=0, dim2=0).
// Shape: out[d] = in[axes[d]]. Gradient: the transpose by the inverse permutation.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "../symbol/typed.hpp"
#include "elemwise.hpp"

namespace SYMGRAD_NS {
namespace ops {

// The permutation of a rank-n transpose; `error` when axes is not one.
struct Permutation {
  std::array<int, kMaxRank> p{};
  const char* error = nullptr;
};
constexpr Permutation transpose_perm(int ndim, const std::int64_t* axes, std::size_t n) {
  Permutation r;
  if (n == 0) {
    for (int i = 0; i < ndim; ++i) r.p[i] = ndim - 1 - i;
    return r;
  }
  if (static_cast<int>(n) != ndim) {
    r.error = "axes must list every dimension once";
    return r;
  }
  std::array<bool, kMaxRank> seen{};
  for (std::size_t i = 0; i < n; ++i) {
    std::int64_t a = axes[i] < 0 ? axes[i] + ndim : axes[i];
    if (a < 0 || a >= ndim || seen[a]) {
      r.error = "axes must be a permutation of the dimensions";
      return r;
    }
    seen[a] = true;
    r.p[i] = static_cast<int>(a);
  }
  return r;
}
constexpr Shape permute(const Shape& in, const Permutation& p) {
  Shape out;
  for (int i = 0; i < in.ndim(); ++i) out.push_back(in[p.p[i]]);
  return out;
}
// Operator classes (ops/transpose-inl.hpp).
class Transpose;

}  // namespace ops

namespace sym {

Symbol transpose(const Symbol& data, std::vector<std::int64_t> axes = {}, std::string_view name = {});
Symbol swapaxes(const Symbol& data, std::int64_t dim1 = 0, std::int64_t dim2 = 0, std::string_view name = {});
Symbol SwapAxis(const Symbol& data, std::int64_t dim1 = 0, std::int64_t dim2 = 0, std::string_view name = {});
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS {
namespace why {
struct axes_are_not_a_permutation;
}
namespace ops {
template <class A, std::int64_t... Axes>
struct TransposeOut {
  static constexpr std::array<std::int64_t, sizeof...(Axes)> axes{Axes...};
  static constexpr Permutation p = transpose_perm(A::shape.ndim(), axes.data(), axes.size());
  static constexpr Shape value = p.error ? Shape::unknown() : permute(A::shape, p);
};
}  // namespace ops
namespace sym {
// Typed: transpose<1, 0>(x), or transpose<>(x) for the reversed axes.
template <std::int64_t... Axes, Typed A>
auto transpose(const A& x, std::string_view name = {}) {
  using H = ops::TransposeOut<A, Axes...>;
  if constexpr (H::p.error != nullptr) {
    static_shape_error<ops::Transpose, why::axes_are_not_a_permutation, typename A::shape_type,
                       StaticShape<Axes...>>::raise();
  } else {
    return TSym<to_static_t<H>>(transpose(Symbol(x), {Axes...}, name));
  }
}
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS {
namespace ops {
template <class A, std::int64_t Dim1, std::int64_t Dim2>
struct SwapOut {
  static constexpr int nd = A::shape.ndim();
  static constexpr std::int64_t a = Dim1 < 0 ? Dim1 + nd : Dim1, b = Dim2 < 0 ? Dim2 + nd : Dim2;
  static constexpr bool ok = a >= 0 && b >= 0 && a < nd && b < nd;
  static constexpr Shape value = [] {
    Shape s = A::shape;
    if (!ok) return s;
    auto t = s[static_cast<int>(a)];
    s[static_cast<int>(a)] = s[static_cast<int>(b)];
    s[static_cast<int>(b)] = t;
    return s;
  }();
};
}  // namespace ops
namespace sym {
template <std::int64_t Dim1, std::int64_t Dim2, Typed A>
auto swapaxes(const A& x, std::string_view name = {}) {
  using H = ops::SwapOut<A, Dim1, Dim2>;
  if constexpr (!H::ok) {
    static_shape_error<ops::Transpose, why::axes_are_not_a_permutation, typename A::shape_type,
                       StaticShape<Dim1, Dim2>>::raise();
  } else {
    return TSym<to_static_t<H>>(swapaxes(Symbol(x), Dim1, Dim2, name));
  }
}
}  // namespace sym
}  // namespace SYMGRAD_NS
