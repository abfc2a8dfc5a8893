// Making symbols (symbol/compose.hpp): variables, operator nodes, groups.
#pragma once
#include <memory>
#include <optional>
#include <utility>
#include "../core/strings.hpp"
#include "compose.hpp"
#include "op_base.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_SYMBOL_COMPOSE)
namespace SYMGRAD_NS::sym {

// A variable; its name is exactly `name` (no counter, no prefix).
SYMGRAD_INLINE Symbol var(const std::string& name) { return var(name, VarOptions{}); }

SYMGRAD_INLINE Symbol var(const std::string& name, const VarOptions& o) {
  if (name.empty()) throw ValueError("var: a variable needs a non-empty name");
  auto n = std::make_shared<Node>();
  n->name = name;
  for (const auto& [k, v] : o.attrs) {
    Symbol::check_user_key(k);
    n->attrs[k] = v;
  }
  if (o.shape.rank_known()) {
    std::vector<std::int64_t> dims;
    for (auto d : o.shape) dims.push_back(d < 0 ? 0 : d);  // MXNet writes unknown as 0
    n->attrs["__shape__"] = attr::format(dims);
  }
  if (o.dtype) n->attrs["__dtype__"] = std::to_string(static_cast<int>(*o.dtype));
  if (!o.init.empty()) n->attrs["__init__"] = o.init;
  if (o.lr_mult) n->attrs["__lr_mult__"] = attr::format(*o.lr_mult);
  if (o.wd_mult) n->attrs["__wd_mult__"] = attr::format(*o.wd_mult);
  return Symbol({NodeEntry{n, 0}});
}

// An operator node over `inputs` (positional; empty symbols and missing trailing inputs become
// variables named <node>_<argument> that copy the operator's attributes, as MXNet does).
SYMGRAD_INLINE Symbol compose(std::shared_ptr<const OpBase> op, const std::vector<Symbol>& inputs,
                              std::string_view name) {
  auto args = op->arguments();
  std::string node_name = make_name(name, op->name_hint());
  if (inputs.size() > args.size())
    throw ValueError(node_name + " (" + op->type_name() + "): " + std::to_string(inputs.size()) +
                     " inputs given but the operator takes " + std::to_string(args.size()) + " (" +
                     symgrad::detail::join(args) + ")");
  auto n = std::make_shared<Node>();
  n->op = op;
  n->name = node_name;
  AttrMap op_attrs = op->attrs();
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i < inputs.size() && !inputs[i].empty()) {
      if (inputs[i].size() != 1)
        throw ValueError(node_name + " (" + op->type_name() + "): input '" + args[i] +
                         "' must be a symbol with one output, but it has " +
                         std::to_string(inputs[i].size()) + " (" +
                         symgrad::detail::join(inputs[i].list_outputs()) + "); pick one with [i]");
      n->inputs.push_back(inputs[i].entries()[0]);
    } else {
      auto v = std::make_shared<Node>();
      v->name = node_name + "_" + args[i];
      v->attrs = op_attrs;
      n->inputs.push_back({v, 0});
    }
  }
  std::vector<NodeEntry> outs;
  for (std::size_t i = 0; i < op->num_visible_outputs(); ++i)
    outs.push_back({n, static_cast<std::uint32_t>(i)});
  return Symbol(std::move(outs));
}

// One symbol whose outputs are the members' outputs, in order (nested groups flatten).
SYMGRAD_INLINE Symbol group(const std::vector<Symbol>& members) {
  if (members.empty()) throw ValueError("group: expected a non-empty list of symbols");
  std::vector<NodeEntry> outs;
  for (const auto& s : members) {
    if (s.empty()) throw ValueError("group: an empty symbol cannot be grouped");
    outs.insert(outs.end(), s.entries().begin(), s.entries().end());
  }
  return Symbol(std::move(outs));
}

}  // namespace SYMGRAD_NS::sym
#endif
