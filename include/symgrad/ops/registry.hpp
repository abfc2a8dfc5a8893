// The operator registry: builds an operator from MXNet's name (or an alias) and the attribute
// strings of symbol JSON (ops/registry-inl.hpp holds the table).
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "../core/attrs.hpp"
#include "../symbol/op_base.hpp"

namespace SYMGRAD_NS::ops {

using OpPtr = std::shared_ptr<const OpBase>;

// Builds the operator registered under `name` (MXNet's name or an alias); an unknown name is a
// NameError that suggests the closest one.
OpPtr create_op(std::string_view name, const AttrMap& attrs, std::size_t num_inputs);

// Every registered name, aliases included, sorted.
std::vector<std::string> registered_ops();

}  // namespace SYMGRAD_NS::ops
