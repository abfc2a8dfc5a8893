// broadcast_add/sub/mul/div/maximum/minimum/power(lhs, rhs): NumPy broadcasting.
// Shape: right-align; per axis equal or one of them 1; the output takes the larger (unknown
// dims are skipped). Gradient: the elementwise gradient summed over each input's broadcast axes.
#pragma once
#include <cstdint>
#include <memory>
#include <string_view>

#include "../symbol/typed.hpp"
#include "elemwise.hpp"

namespace SYMGRAD_NS {
namespace ops {

struct BroadcastResult {
  Shape out = Shape::unknown();
  bool ok = true;
};
constexpr BroadcastResult broadcast_rule(const Shape& a, const Shape& b) {
  BroadcastResult r;
  if (!a.rank_known() || !b.rank_known()) return r;
  int n = a.ndim() > b.ndim() ? a.ndim() : b.ndim();
  r.out = Shape::unknown_dims(n);
  for (int i = 0; i < n; ++i) {
    int ia = i - (n - a.ndim()), ib = i - (n - b.ndim());
    std::int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    if (da == dyn || db == dyn) {
      r.out[i] = (da == 1) ? db : (db == 1 ? da : (da == dyn ? db : da));
      continue;
    }
    if (da != db && da != 1 && db != 1) {
      r.ok = false;
      return r;
    }
    r.out[i] = da == 1 ? db : da;
  }
  return r;
}

template <class F>
struct broadcast_name;
template <>
struct broadcast_name<fn::elemwise_add> {
  static constexpr const char* value = "broadcast_add";
};
template <>
struct broadcast_name<fn::elemwise_sub> {
  static constexpr const char* value = "broadcast_sub";
};
template <>
struct broadcast_name<fn::elemwise_mul> {
  static constexpr const char* value = "broadcast_mul";
};
template <>
struct broadcast_name<fn::elemwise_div> {
  static constexpr const char* value = "broadcast_div";
};
template <>
struct broadcast_name<fn::maximum> {
  static constexpr const char* value = "broadcast_maximum";
};
template <>
struct broadcast_name<fn::minimum> {
  static constexpr const char* value = "broadcast_minimum";
};
template <>
struct broadcast_name<fn::power> {
  static constexpr const char* value = "broadcast_power";
};
template <>
struct broadcast_name<fn::equal> {
  static constexpr const char* value = "broadcast_equal";
};
template <>
struct broadcast_name<fn::not_equal> {
  static constexpr const char* value = "broadcast_not_equal";
};
template <>
struct broadcast_name<fn::greater> {
  static constexpr const char* value = "broadcast_greater";
};
template <>
struct broadcast_name<fn::greater_equal> {
  static constexpr const char* value = "broadcast_greater_equal";
};
template <>
struct broadcast_name<fn::lesser> {
  static constexpr const char* value = "broadcast_lesser";
};
template <>
struct broadcast_name<fn::lesser_equal> {
  static constexpr const char* value = "broadcast_lesser_equal";
};
// Operator classes (ops/broadcast-inl.hpp).
template <class F>
class BroadcastBackward;
template <class F>
class Broadcast;

}  // namespace ops

namespace sym {
namespace detail {
// One node of broadcast_* with functor F (compiled in libsymgrad for the binary functors of
// ops/elemwise.hpp; the typed expressions build their nodes with it).
template <class F>
Symbol broadcast(const Symbol& a, const Symbol& b, std::string_view name);
}  // namespace detail

Symbol broadcast_add(const Symbol& a, const Symbol& b, std::string_view name = {});
Symbol broadcast_sub(const Symbol& a, const Symbol& b, std::string_view name = {});
Symbol broadcast_mul(const Symbol& a, const Symbol& b, std::string_view name = {});
Symbol broadcast_div(const Symbol& a, const Symbol& b, std::string_view name = {});
Symbol broadcast_maximum(const Symbol& a, const Symbol& b, std::string_view name = {});
Symbol broadcast_minimum(const Symbol& a, const Symbol& b, std::string_view name = {});
Symbol broadcast_power(const Symbol& a, const Symbol& b, std::string_view name = {});
Symbol broadcast_plus(const Symbol& a, const Symbol& b, std::string_view name = {});
Symbol broadcast_minus(const Symbol& a, const Symbol& b, std::string_view name = {});
Symbol broadcast_equal(const Symbol& a, const Symbol& b, std::string_view name = {});
Symbol broadcast_not_equal(const Symbol& a, const Symbol& b, std::string_view name = {});
Symbol broadcast_greater(const Symbol& a, const Symbol& b, std::string_view name = {});
Symbol broadcast_greater_equal(const Symbol& a, const Symbol& b, std::string_view name = {});
Symbol broadcast_lesser(const Symbol& a, const Symbol& b, std::string_view name = {});
Symbol broadcast_lesser_equal(const Symbol& a, const Symbol& b, std::string_view name = {});
}  // namespace sym
}  // namespace SYMGRAD_NS
