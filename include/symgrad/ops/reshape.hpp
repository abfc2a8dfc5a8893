// Reshape(data; shape, reverse=False): MXNet's codes — k>0 emit k; 0 copy the input dim;
//   -1 infer from the size; -2 copy all remaining dims; -3 merge two dims; -4 a b split one dim.
//   Unlike MXNet since 1.5, the sizes must add up (a wrong shape is an error, not a truncation).
// Flatten(data): (d0, d1..dk) -> (d0, d1·…·dk).   expand_dims(data; axis): insert a 1.
// Gradient of all three: dy re-viewed with the input's shape.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "../symbol/typed.hpp"

namespace SYMGRAD_NS {
namespace ops {

struct ReshapeResult {
  Shape out = Shape::unknown();
  const char* error = nullptr;
};

constexpr ReshapeResult reshape_rule_fwd(const Shape& in, const std::int64_t* codes, std::size_t n) {
  ReshapeResult r;
  if (!in.rank_known()) return r;
  Shape out;
  int s = 0, infer = -1;
  auto need = [&](int k) { return s + k <= in.ndim(); };
  for (std::size_t i = 0; i < n; ++i) {
    std::int64_t c = codes[i];
    if (c > 0) {
      out.push_back(c);
      ++s;
    } else if (c == 0) {
      if (!need(1)) return {Shape::unknown(), "code 0 refers to a dimension the input does not have"};
      out.push_back(in[s++]);
    } else if (c == -1) {
      if (infer >= 0) return {Shape::unknown(), "only one dimension can be -1 (inferred)"};
      infer = out.ndim();
      out.push_back(dyn);
      ++s;
    } else if (c == -2) {
      while (s < in.ndim()) out.push_back(in[s++]);
    } else if (c == -3) {
      if (!need(2)) return {Shape::unknown(), "code -3 needs two input dimensions to merge"};
      out.push_back(in[s] < 0 || in[s + 1] < 0 ? dyn : in[s] * in[s + 1]);
      s += 2;
    } else if (c == -4) {
      if (i + 2 >= n) return {Shape::unknown(), "code -4 must be followed by two sizes"};
      if (!need(1)) return {Shape::unknown(), "code -4 refers to a dimension the input does not have"};
      std::int64_t a = codes[i + 1], b = codes[i + 2], d = in[s++];
      i += 2;
      if (a == -1 && b == -1) return {Shape::unknown(), "split dims cannot both be -1"};
      if (a < -1 || b < -1 || a == 0 || b == 0)
        return {Shape::unknown(), "the sizes after -4 must be positive or -1"};
      if (d >= 0) {
        if (a == -1) {
          if (d % b) return {Shape::unknown(), "split dims do not divide the original dim"};
          a = d / b;
        }
        if (b == -1) {
          if (d % a) return {Shape::unknown(), "split dims do not divide the original dim"};
          b = d / a;
        }
        if (a * b != d) return {Shape::unknown(), "split dims do not multiply to the original dim"};
      } else {
        a = a == -1 ? dyn : a;
        b = b == -1 ? dyn : b;
      }
      out.push_back(a);
      out.push_back(b);
    } else {
      return {Shape::unknown(), "shape codes must be positive, 0, -1, -2, -3 or -4"};
    }
  }
  if (infer >= 0) {
    std::int64_t known = 1;
    bool all = in.known();
    for (int i = 0; i < out.ndim(); ++i)
      if (i != infer) {
        if (out[i] < 0)
          all = false;
        else
          known *= out[i];
      }
    if (all) {
      if (known == 0 || in.size() % known != 0)
        return {Shape::unknown(),
                "the input's size is not divisible by the other dimensions (-1 cannot be inferred)"};
      out[infer] = in.size() / known;
    }
  } else if (in.known() && out.known() && in.size() != out.size()) {
    return {Shape::unknown(), "the target shape has a different number of elements than the input"};
  }
  r.out = out;
  return r;
}

constexpr ReshapeResult reshape_rule(const Shape& in, const std::int64_t* codes, std::size_t n,
                                     bool reverse) {
  if (!reverse) return reshape_rule_fwd(in, codes, n);
  if (!in.rank_known()) return {};
  std::array<std::int64_t, 32> rc{};
  if (n > rc.size()) return {Shape::unknown(), "too many shape codes"};
  for (std::size_t i = 0; i < n; ++i) {
    if (codes[i] == -4) return {Shape::unknown(), "reverse=True cannot be combined with -4"};
    rc[n - 1 - i] = codes[i];
  }
  Shape rin;
  for (int i = in.ndim() - 1; i >= 0; --i) rin.push_back(in[i]);
  auto r = reshape_rule_fwd(rin, rc.data(), n);
  if (r.error || !r.out.rank_known()) return r;
  Shape o;
  for (int i = r.out.ndim() - 1; i >= 0; --i) o.push_back(r.out[i]);
  return {o, nullptr};
}

struct ReshapeParam {
  std::vector<std::int64_t> shape;
  bool reverse = false;
};

constexpr Shape flatten_rule(const Shape& in) {
  if (!in.rank_known()) return Shape::unknown();
  if (in.ndim() == 0) return Shape{1, 1};
  std::int64_t rest = 1;
  for (int i = 1; i < in.ndim(); ++i) rest = (rest < 0 || in[i] < 0) ? dyn : rest * in[i];
  return Shape{in[0], rest};
}

struct ExpandDimsResult {
  Shape out = Shape::unknown();
  bool ok = true;
};
constexpr ExpandDimsResult expand_dims_rule(const Shape& in, std::int64_t axis) {
  if (!in.rank_known()) return {};
  std::int64_t a = axis < 0 ? axis + in.ndim() + 1 : axis;
  if (a < 0 || a > in.ndim()) return {Shape::unknown(), false};
  Shape out;
  for (int i = 0; i <= in.ndim(); ++i) {
    if (i == a) out.push_back(1);
    if (i < in.ndim()) out.push_back(in[i]);
  }
  return {out, true};
}
// Operator classes (ops/reshape-inl.hpp).
class Reshape;
class Flatten;
class ExpandDims;

}  // namespace ops

namespace sym {

struct ReshapeOptions {
  std::vector<std::int64_t> shape;
  bool reverse = false;
  std::string name = {};
};
Symbol reshape(const Symbol& data, const ReshapeOptions& o);
Symbol Reshape(const Symbol& data, const ReshapeOptions& o);
Symbol flatten(const Symbol& data, std::string_view name = {});
Symbol Flatten(const Symbol& data, std::string_view name = {});
Symbol expand_dims(const Symbol& data, std::int64_t axis, std::string_view name = {});
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS {
namespace why {
struct reshape_codes_do_not_fit_the_shape;
struct axis_out_of_range;
}  // namespace why
namespace ops {
template <class A, bool Reverse, std::int64_t... Codes>
struct ReshapeOut {
  static constexpr std::array<std::int64_t, sizeof...(Codes)> codes{Codes...};
  static constexpr ReshapeResult r = reshape_rule(A::shape, codes.data(), codes.size(), Reverse);
  static constexpr Shape value = r.out;
};
template <class A>
struct FlattenOut {
  static constexpr Shape value = flatten_rule(A::shape);
};
template <class A, std::int64_t Axis>
struct ExpandDimsOut {
  static constexpr Shape value = expand_dims_rule(A::shape, Axis).out;
};
}  // namespace ops
namespace sym {
// Typed: reshape<-1, 256>(x) checks the codes against x's static shape at compile time.
template <std::int64_t... Codes, Typed A>
auto reshape(const A& x, std::string_view name = {}) {
  using H = ops::ReshapeOut<A, false, Codes...>;
  if constexpr (H::r.error != nullptr) {
    static_shape_error<ops::Reshape, why::reshape_codes_do_not_fit_the_shape, typename A::shape_type,
                       StaticShape<Codes...>>::raise();
  } else {
    return TSym<to_static_t<H>>(reshape(Symbol(x), {.shape = {Codes...}, .name = std::string(name)}));
  }
}
template <Typed A>
auto flatten(const A& x, std::string_view name = {}) {
  return TSym<to_static_t<ops::FlattenOut<A>>>(flatten(Symbol(x), name));
}
template <std::int64_t Axis, Typed A>
auto expand_dims(const A& x, std::string_view name = {}) {
  if constexpr (!ops::expand_dims_rule(A::shape, Axis).ok) {
    static_shape_error<ops::ExpandDims, why::axis_out_of_range, typename A::shape_type,
                       std::integral_constant<std::int64_t, Axis>>::raise();
  } else {
    return TSym<to_static_t<ops::ExpandDimsOut<A, Axis>>>(expand_dims(Symbol(x), Axis, name));
  }
}
}  // namespace sym
}  // namespace SYMGRAD_NS
