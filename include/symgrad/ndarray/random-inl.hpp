// Seeded random arrays (ndarray/random.hpp).
#pragma once
#include <cmath>
#include <numbers>

#include <numbers>
#include "random.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_NDARRAY_RANDOM)
namespace SYMGRAD_NS::nd::random {

SYMGRAD_INLINE double Generator::normal01() {
  double u1 = uniform01(), u2 = uniform01();
  if (u1 < 1e-300) u1 = 1e-300;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

namespace detail {
template <class Draw>
NDArray fill_with(const Shape& shape, const Options& o, Generator& g, Draw draw) {
  NDArray a(shape, cpu(), o.dtype);
  dispatch_float(o.dtype, "nd::random", [&](auto x) {
    using T = decltype(x);
    T* p = a.data<T>();
    for (std::int64_t i = 0; i < a.size(); ++i) p[i] = static_cast<T>(draw(g));
  });
  return o.ctx == cpu() ? a : a.copy_to(o.ctx);
}
}  // namespace detail

SYMGRAD_INLINE NDArray uniform(double low, double high, const Shape& shape, Generator& g, const Options& o) {
  return detail::fill_with(shape, o, g, [&](Generator& r) { return low + (high - low) * r.uniform01(); });
}
SYMGRAD_INLINE NDArray uniform(double low, double high, const Shape& shape, const Options& o) {
  Generator g(o.seed);
  return uniform(low, high, shape, g, o);
}
SYMGRAD_INLINE NDArray normal(double loc, double scale, const Shape& shape, Generator& g, const Options& o) {
  return detail::fill_with(shape, o, g, [&](Generator& r) { return loc + scale * r.normal01(); });
}
SYMGRAD_INLINE NDArray normal(double loc, double scale, const Shape& shape, const Options& o) {
  Generator g(o.seed);
  return normal(loc, scale, shape, g, o);
}

}  // namespace SYMGRAD_NS::nd::random
#endif
