// The out-of-line parts of core/: Shape::str and the grad_req error.
#pragma once
#include <string>

#include "req.hpp"
#include "shape.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_CORE_CORE)
namespace SYMGRAD_NS {

SYMGRAD_INLINE std::string Shape::str() const {
  if (ndim_ < 0) return "unknown";
  std::string s = "(";
  for (int i = 0; i < ndim_; ++i) {
    if (i) s += ", ";
    s += d_[i] < 0 ? std::string("?") : std::to_string(d_[i]);
  }
  if (ndim_ == 1) s += ",";
  return s + ")";
}

SYMGRAD_INLINE void detail::throw_shape_error(const char* what) { throw ShapeError(what); }

SYMGRAD_INLINE void throw_bad_req(std::string_view s) {
  throw ValueError("grad_req '" + std::string(s) + "' is not valid; use 'write', 'add' or 'null'");
}

}  // namespace SYMGRAD_NS
#endif
