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
SYMGRAD_INLINE std::string bounds_text(double lo, double hi, bool lo_open) {
  if (lo_open && std::isinf(hi)) return "greater than " + attr::format_number(lo);
  if (lo_open) return "in (" + attr::format_number(lo) + ", " + attr::format_number(hi) + "]";
  if (std::isinf(hi)) return "at least " + attr::format_number(lo);
  if (std::isinf(lo)) return "at most " + attr::format_number(hi);
  return "in [" + attr::format_number(lo) + ", " + attr::format_number(hi) + "]";
}
}  // namespace SYMGRAD_NS::ops::params_detail
#endif
