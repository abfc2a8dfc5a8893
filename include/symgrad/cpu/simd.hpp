// Elementwise loops over contiguous buffers with xsimd: the body is written once as a generic
// function of a value type V (an xsimd batch in the main loop, the scalar type in the tail), the
// pattern of xtensor's own functors. Large loops are split across threads.
#pragma once
#include <cstddef>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "../core/hd_math.hpp"
#include "../core/req.hpp"
#include "parallel.hpp"

namespace SYMGRAD_NS::host {

template <class T>
inline constexpr bool has_simd = std::is_same_v<T, float> || std::is_same_v<T, double>;

template <class T>
using Batch = xsimd::batch<T>;

template <class T>
constexpr std::size_t lanes() {
  if constexpr (has_simd<T>)
    return Batch<T>::size;
  else
    return 1;
}

template <class V>
struct is_batch : std::false_type {};
template <class T, class A>
struct is_batch<xsimd::batch<T, A>> : std::true_type {};

template <class V, class T>
inline V load(const T* p) {
  if constexpr (is_batch<V>::value)
    return V::load_unaligned(p);
  else
    return static_cast<V>(*p);
}
template <class V, class T>
inline void store(T* p, const V& v) {
  if constexpr (is_batch<V>::value)
    v.store_unaligned(p);
  else
    *p = v;
}
template <class V, class T>
inline V broadcast(T s) {
  if constexpr (is_batch<V>::value)
    return V(s);
  else
    return static_cast<V>(s);
}
// Writes v to p as the request says (write or add; null writes nothing).
template <OpReq R, class V, class T>
inline void store_req(T* p, const V& v) {
  if constexpr (R == OpReq::write)
    host::store(p, v);
  else if constexpr (R == OpReq::add)
    host::store(p, host::load<V>(p) + v);
}

// Calls f(std::integral_constant<OpReq, r>) for the runtime request.
template <class F>
inline void with_req(OpReq r, F&& f) {
  switch (r) {
    case OpReq::write:
      f(std::integral_constant<OpReq, OpReq::write>{});
      break;
    case OpReq::add:
      f(std::integral_constant<OpReq, OpReq::add>{});
      break;
    case OpReq::null:
      break;
  }
}

// Elements per thread below which splitting does not pay (thread wake-up costs a few µs).
inline constexpr std::size_t kParallelGrain = 1 << 16;

// body(i, std::type_identity<V>{}) handles elements [i, i + lanes(V)).
template <class T, class Body>
inline void elementwise(std::size_t n, Body&& body) {
  constexpr std::size_t L = lanes<T>();
  parallel_for(n, kParallelGrain, L, [&](std::size_t b, std::size_t e) {
    std::size_t i = b;
    if constexpr (has_simd<T>) {
      for (; i + L <= e; i += L) body(i, std::type_identity<Batch<T>>{});
    }
    for (; i < e; ++i) body(i, std::type_identity<T>{});
  });
}

// body.template operator()<R, V>(i) for the request's R: elements [i, i + lanes(V)).
template <class T, class Body>
void for_each_req(OpReq req, std::size_t n, Body&& body) {
  with_req(req, [&](auto R) {
    elementwise<T>(n, [&](std::size_t i, auto v) {
      body.template operator()<decltype(R)::value, typename decltype(v)::type>(i);
    });
  });
}

}  // namespace SYMGRAD_NS::host

// The formulas' primitives (core/hd_math.hpp) for xsimd batches.
namespace SYMGRAD_NS::fm {
template <class T, class A>
struct vec<xsimd::batch<T, A>> {
  using V = xsimd::batch<T, A>;
  static V exp(V x) { return xsimd::exp(x); }
  static V log(V x) { return xsimd::log(x); }
  static V log1p(V x) { return xsimd::log1p(x); }
  static V expm1(V x) { return xsimd::expm1(x); }
  static V sqrt(V x) { return xsimd::sqrt(x); }
  static V tanh(V x) { return xsimd::tanh(x); }
  static V sin(V x) { return xsimd::sin(x); }
  static V cos(V x) { return xsimd::cos(x); }
  static V abs(V x) { return xsimd::abs(x); }
  static V pow(V a, V b) { return xsimd::pow(a, b); }
  static V max(V a, V b) { return xsimd::max(a, b); }
  static V min(V a, V b) { return xsimd::min(a, b); }
  static V if_gt(V a, V b, V t, V f) { return xsimd::select(a > b, t, f); }
  static V if_ge(V a, V b, V t, V f) { return xsimd::select(a >= b, t, f); }
  static V if_lt(V a, V b, V t, V f) { return xsimd::select(a < b, t, f); }
  static V if_eq(V a, V b, V t, V f) { return xsimd::select(a == b, t, f); }
};
}  // namespace SYMGRAD_NS::fm
