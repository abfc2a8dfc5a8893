// The operator registry (ops/registry.hpp): every operator file's names, collected once.
#pragma once
#include <string_view>
#include <vector>

#include "../core/strings.hpp"
#include "op_table.hpp"
#include "registry.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_REGISTRY)
namespace SYMGRAD_NS::ops {

SYMGRAD_INLINE const OpTable& registry() {
  static const OpTable r = [] {
    OpTable t;
#define SYMGRAD_CALL_REGISTER(file) register_##file(t);
    SYMGRAD_OPERATOR_FILES(SYMGRAD_CALL_REGISTER)
#undef SYMGRAD_CALL_REGISTER
    return t;
  }();
  return r;
}

SYMGRAD_INLINE OpPtr create_op(std::string_view name, const AttrMap& attrs, std::size_t num_inputs) {
  const auto& r = registry();
  auto it = r.find(name);
  if (it == r.end())
    throw NameError("unknown operator '" + std::string(name) + "'." +
                    symgrad::detail::did_you_mean(name, registered_ops()) +
                    " symgrad implements: " + symgrad::detail::join(registered_ops()));
  return it->second(attrs, num_inputs);
}

SYMGRAD_INLINE std::vector<std::string> registered_ops() {
  std::vector<std::string> names;
  for (const auto& [k, v] : registry()) names.push_back(k);
  return names;
}

}  // namespace SYMGRAD_NS::ops
#endif
