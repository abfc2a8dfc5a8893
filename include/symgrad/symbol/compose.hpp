// Making symbols: variables, operator nodes with MXNet's automatic names and auto-created
// parameter variables (<node>_weight ...), and groups.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "symbol.hpp"

namespace SYMGRAD_NS::sym {

struct VarOptions {
  Shape shape = Shape::unknown();  // a hint used when bind does not give the shape
  std::optional<DType> dtype = {};
  std::string init = {};  // initializer JSON, e.g. ["zero", {}]
  std::optional<double> lr_mult = {};
  std::optional<double> wd_mult = {};
  AttrMap attrs = {};  // extra attributes; keys must look like __x__
};

// A variable; its name is exactly `name` (no counter, no prefix).
Symbol var(const std::string& name);
Symbol var(const std::string& name, const VarOptions& o);
inline Symbol Variable(const std::string& name) { return var(name); }
inline Symbol Variable(const std::string& name, const VarOptions& o) { return var(name, o); }

// An operator node over `inputs` (positional; empty symbols and missing trailing inputs become
// variables named <node>_<argument> that copy the operator's attributes, as MXNet does).
Symbol compose(std::shared_ptr<const OpBase> op, const std::vector<Symbol>& inputs,
               std::string_view name = {});

// One symbol whose outputs are the members' outputs, in order (nested groups flatten).
Symbol group(const std::vector<Symbol>& members);
inline Symbol Group(const std::vector<Symbol>& members) { return group(members); }

}  // namespace SYMGRAD_NS::sym
