// What a kernel does with an output array: nothing, overwrite it, or add to it (grad_req).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include "config.hpp"

#include "error.hpp"

namespace SYMGRAD_NS {

enum class OpReq : std::uint8_t { null, write, add };

[[noreturn]] void throw_bad_req(std::string_view s);  // core/core-inl.hpp

inline OpReq parse_req(std::string_view s) {
  if (s == "write") return OpReq::write;
  if (s == "add") return OpReq::add;
  if (s == "null") return OpReq::null;
  throw_bad_req(s);
}

}  // namespace SYMGRAD_NS
