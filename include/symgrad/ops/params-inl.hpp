// The non-template helpers of ops/params.hpp.
#pragma once
#include <cmath>
#include <string>
#include <string_view>

#include "params.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_PARAMS)
namespace SYMGRAD_NS::ops::params_detail {
SYMGRAD_INLINE void fail(std::string_view op, std::string_view message) {
  throw ValueError(std::string(op) + ": " + std::string(message));
}
SYMGRAD_INLINE std::string bounds_text(double lo, double hi, bool lo_open, bool hi_open, bool finite) {
  if (finite)
    return std::isinf(lo) && std::isinf(hi) ? "finite"
                                            : "finite and " + bounds_text(lo, hi, lo_open, hi_open, false);
  if (std::isinf(hi)) return (lo_open ? "greater than " : "at least ") + attr::format_number(lo);
  if (std::isinf(lo)) return (hi_open ? "less than " : "at most ") + attr::format_number(hi);
  return std::string("in ") + (lo_open ? "(" : "[") + attr::format_number(lo) + ", " +
         attr::format_number(hi) + (hi_open ? ")" : "]");
}
}  // namespace SYMGRAD_NS::ops::params_detail
#endif
