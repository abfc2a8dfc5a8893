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

SYMGRAD_INLINE void detail::throw_size_overflow(std::int64_t a, std::int64_t b, char op) {
  throw ShapeError("a size overflows: " + std::to_string(a) + (op == '*' ? " * " : " + ") +
                   std::to_string(b) +
                   " does not fit in a 64-bit integer; check the shapes and the size attributes "
                   "(kernel, pad, reps, scale, state_size ...)");
}

SYMGRAD_INLINE void throw_bad_req(std::string_view s) {
  throw ValueError("grad_req '" + std::string(s) + "' is not valid; use 'write', 'add' or 'null'");
}

}  // namespace SYMGRAD_NS
#endif
