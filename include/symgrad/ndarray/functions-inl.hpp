// nd:: functions (ndarray/functions.hpp): plain loops over the arrays' elements.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <type_traits>

#include "functions.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_NDARRAY_FUNCTIONS)
namespace SYMGRAD_NS::nd {

SYMGRAD_INLINE NDArray empty(const Shape& s, Context ctx, DType t) { return NDArray(s, ctx, t); }
SYMGRAD_INLINE NDArray zeros(const Shape& s, Context ctx, DType t) { return NDArray(s, ctx, t); }
SYMGRAD_INLINE NDArray full(const Shape& s, double v, Context ctx, DType t) {
  NDArray a(s, ctx, t);
  a.fill(v);
  return a;
}
SYMGRAD_INLINE NDArray ones(const Shape& s, Context ctx, DType t) { return full(s, 1.0, ctx, t); }
SYMGRAD_INLINE NDArray zeros_like(const NDArray& a) { return NDArray(a.shape(), a.context(), a.dtype()); }
SYMGRAD_INLINE NDArray ones_like(const NDArray& a) { return full(a.shape(), 1.0, a.context(), a.dtype()); }
SYMGRAD_INLINE NDArray arange(double start, double stop, double step, DType t) {
  if (step == 0) throw ValueError("nd::arange: step must not be 0");
  auto n = static_cast<std::int64_t>(std::max(0.0, std::ceil((stop - start) / step)));
  NDArray a(Shape{n}, cpu(), t);
  dispatch_storage(t, [&](auto x) {
    using T = decltype(x);
    for (std::int64_t i = 0; i < n; ++i)
      a.data<T>()[i] = static_cast<T>(start + static_cast<double>(i) * step);
  });
  return a;
}

namespace detail {
inline void same_shape(const char* op, const NDArray& a, const NDArray& b) {
  if (!(a.shape() == b.shape()))
    throw ShapeError(std::string("nd::") + op + ": shapes " + a.shape().str() + " and " + b.shape().str() +
                     " differ");
  if (a.dtype() != b.dtype())
    throw TypeError(std::string("nd::") + op + ": dtypes " + std::string(dtype_name(a.dtype())) + " and " +
                    std::string(dtype_name(b.dtype())) + " differ; use astype()");
}
// r[i] = f(a[i], b[i]) (or f(a[i])), converted back to the arrays' type.
template <class F>
NDArray binary(const char* op, const NDArray& a, const NDArray& b, F f) {
  same_shape(op, a, b);
  a.require_cpu(op);
  b.require_cpu(op);
  NDArray r(a.shape(), a.context(), a.dtype());
  dispatch_dtype(a.dtype(), [&](auto x) {
    using T = decltype(x);
    const T *pa = a.data<T>(), *pb = b.data<T>();
    T* pr = r.data<T>();
    for (std::int64_t i = 0, n = a.size(); i < n; ++i) pr[i] = static_cast<T>(f(pa[i], pb[i]));
  });
  return r;
}
template <class F>
NDArray unary(const NDArray& a, F f) {
  a.require_cpu("nd::unary");
  NDArray r(a.shape(), a.context(), a.dtype());
  dispatch_dtype(a.dtype(), [&](auto x) {
    using T = decltype(x);
    const T* pa = a.data<T>();
    T* pr = r.data<T>();
    for (std::int64_t i = 0, n = a.size(); i < n; ++i) pr[i] = static_cast<T>(f(pa[i]));
  });
  return r;
}
template <class F>
NDArray unary_float(const char* op, const NDArray& a, F f) {
  a.require_cpu(op);
  NDArray r(a.shape(), a.context(), a.dtype());
  dispatch_float(
      a.dtype(), [op] { return std::string("nd::") + op; },
      [&](auto x) {
        using T = decltype(x);
        const T* pa = a.data<T>();
        T* pr = r.data<T>();
        for (std::int64_t i = 0, n = a.size(); i < n; ++i) pr[i] = static_cast<T>(f(pa[i]));
      });
  return r;
}
}  // namespace detail

SYMGRAD_INLINE NDArray square(const NDArray& a) {
  return detail::unary(a, [](auto x) { return x * x; });
}
SYMGRAD_INLINE NDArray sqrt(const NDArray& a) {
  return detail::unary_float("sqrt", a, [](auto x) { return std::sqrt(x); });
}
SYMGRAD_INLINE NDArray exp(const NDArray& a) {
  return detail::unary_float("exp", a, [](auto x) { return std::exp(x); });
}
SYMGRAD_INLINE NDArray log(const NDArray& a) {
  return detail::unary_float("log", a, [](auto x) { return std::log(x); });
}
SYMGRAD_INLINE NDArray abs(const NDArray& a) {
  return detail::unary(a, [](auto x) {
    if constexpr (std::is_unsigned_v<decltype(x)>)
      return x;
    else
      return x < 0 ? -x : x;
  });
}
SYMGRAD_INLINE NDArray tanh(const NDArray& a) {
  return detail::unary_float("tanh", a, [](auto x) { return std::tanh(x); });
}

// Sum of all elements, as a (1,) array (MXNet's legacy full reduction).
SYMGRAD_INLINE NDArray sum(const NDArray& a) {
  NDArray r(Shape{1}, a.context(), a.dtype());
  dispatch_dtype(a.dtype(), [&](auto x) {
    using T = decltype(x);
    T acc = 0;
    const T* p = a.data<T>();
    for (std::int64_t i = 0; i < a.size(); ++i) acc += p[i];
    r.data<T>()[0] = acc;
  });
  return r;
}

// Matrix product of 2-D arrays (m,k)·(k,n).
SYMGRAD_INLINE NDArray dot(const NDArray& a, const NDArray& b) {
  if (a.ndim() != 2 || b.ndim() != 2 || a.shape()[1] != b.shape()[0])
    throw ShapeError("nd::dot: cannot multiply " + a.shape().str() + " by " + b.shape().str() +
                     "; expected (m, k) and (k, n)");
  if (a.dtype() != b.dtype()) throw TypeError("nd::dot: dtypes differ; use astype()");
  std::int64_t m = a.shape()[0], k = a.shape()[1], n = b.shape()[1];
  NDArray r(Shape{m, n}, a.context(), a.dtype());
  dispatch_float(a.dtype(), "nd::dot", [&](auto x) {
    using T = decltype(x);
    const T *pa = a.data<T>(), *pb = b.data<T>();
    T* pr = r.data<T>();
    for (std::int64_t i = 0; i < m; ++i)
      for (std::int64_t l = 0; l < k; ++l)
        for (std::int64_t j = 0; j < n; ++j) pr[i * n + j] += pa[i * k + l] * pb[l * n + j];
  });
  return r;
}

// Largest |a - b|, for tests and examples.
SYMGRAD_INLINE double max_abs_diff(const NDArray& a, const NDArray& b) {
  detail::same_shape("max_abs_diff", a, b);
  double m = 0;
  for (std::int64_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(a.at_flat(i) - b.at_flat(i)));
  return m;
}

}  // namespace SYMGRAD_NS::nd

namespace SYMGRAD_NS {
// Arithmetic on arrays (in NDArray's namespace, found by ADL); eager, allocating a result.
SYMGRAD_INLINE NDArray operator+(const NDArray& a, const NDArray& b) {
  return nd::detail::binary("add", a, b, [](auto x, auto y) { return x + y; });
}
SYMGRAD_INLINE NDArray operator-(const NDArray& a, const NDArray& b) {
  return nd::detail::binary("subtract", a, b, [](auto x, auto y) { return x - y; });
}
SYMGRAD_INLINE NDArray operator*(const NDArray& a, const NDArray& b) {
  return nd::detail::binary("multiply", a, b, [](auto x, auto y) { return x * y; });
}
SYMGRAD_INLINE NDArray operator/(const NDArray& a, const NDArray& b) {
  return nd::detail::binary("divide", a, b, [](auto x, auto y) { return x / y; });
}
SYMGRAD_INLINE NDArray operator+(const NDArray& a, double s) {
  return nd::detail::unary(a, [s](auto x) {
    using T = decltype(x);
    return x + static_cast<T>(s);
  });
}
SYMGRAD_INLINE NDArray operator-(const NDArray& a, double s) {
  return nd::detail::unary(a, [s](auto x) {
    using T = decltype(x);
    return x - static_cast<T>(s);
  });
}
SYMGRAD_INLINE NDArray operator*(const NDArray& a, double s) {
  return nd::detail::unary(a, [s](auto x) {
    using T = decltype(x);
    return x * static_cast<T>(s);
  });
}
SYMGRAD_INLINE NDArray operator/(const NDArray& a, double s) {
  return nd::detail::unary(a, [s](auto x) {
    using T = decltype(x);
    return x / static_cast<T>(s);
  });
}
SYMGRAD_INLINE NDArray operator+(double s, const NDArray& a) { return a + s; }
SYMGRAD_INLINE NDArray operator*(double s, const NDArray& a) { return a * s; }
SYMGRAD_INLINE NDArray operator-(double s, const NDArray& a) {
  return nd::detail::unary(a, [s](auto x) {
    using T = decltype(x);
    return static_cast<T>(s) - x;
  });
}
SYMGRAD_INLINE NDArray operator/(double s, const NDArray& a) {
  return nd::detail::unary(a, [s](auto x) {
    using T = decltype(x);
    return static_cast<T>(s) / x;
  });
}
SYMGRAD_INLINE NDArray operator-(const NDArray& a) {
  return nd::detail::unary(a, [](auto x) { return -x; });
}
}  // namespace SYMGRAD_NS
#endif
