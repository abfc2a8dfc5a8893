// Symbol and GradReq (symbol/symbol.hpp): names, indexing, attributes, internals.
#pragma once
#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "../core/strings.hpp"
#include "infer.hpp"
#include "symbol.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_SYMBOL_SYMBOL)
namespace SYMGRAD_NS {

SYMGRAD_INLINE std::vector<OpReq> GradReq::resolve(const std::vector<std::string>& args) const {
  std::vector<OpReq> r(args.size(), all_);
  if (mode_ == 1) {
    for (const auto& [k, v] : by_name_)
      if (std::find(args.begin(), args.end(), k) == args.end())
        throw NameError("grad_req names '" + k + "', which is not an argument." +
                        detail::did_you_mean(k, args) + " Arguments: " + detail::join(args));
    for (std::size_t i = 0; i < args.size(); ++i) {
      auto it = by_name_.find(args[i]);
      r[i] = it == by_name_.end() ? OpReq::null : parse_req(it->second);
    }
  } else if (mode_ == 2) {
    if (in_order_.size() != args.size())
      throw ValueError("grad_req lists " + std::to_string(in_order_.size()) +
                       " requests but the symbol has " + std::to_string(args.size()) + " arguments");
    for (std::size_t i = 0; i < args.size(); ++i) r[i] = parse_req(in_order_[i]);
  }
  return r;
}

SYMGRAD_INLINE void Symbol::throw_not_single() const {
  throw ValueError("expected a symbol with one output, got " + std::to_string(outputs_.size()) +
                   (outputs_.empty() ? "" : " (" + detail::join(list_outputs()) + ")"));
}

SYMGRAD_INLINE Symbol Symbol::operator[](std::size_t i) const {
  if (i >= outputs_.size())
    throw ValueError("output index " + std::to_string(i) + " is out of range: the symbol has " +
                     std::to_string(outputs_.size()) + " outputs");
  return Symbol({outputs_[i]});
}

SYMGRAD_INLINE Symbol Symbol::operator[](std::string_view name) const {
  auto outs = list_outputs();
  std::optional<std::size_t> hit;
  for (std::size_t i = 0; i < outs.size(); ++i)
    if (outs[i] == name) {
      if (hit) throw ValueError("there are multiple outputs with name '" + std::string(name) + "'");
      hit = i;
    }
  if (!hit)
    throw NameError("no output is named '" + std::string(name) + "'." + detail::did_you_mean(name, outs) +
                    " Outputs: " + detail::join(outs));
  return Symbol({outputs_[*hit]});
}

SYMGRAD_INLINE std::optional<std::string> Symbol::name() const {
  if (outputs_.empty()) return std::nullopt;
  for (const auto& e : outputs_)
    if (e.node != outputs_[0].node) return std::nullopt;
  return outputs_[0].node->name;
}

SYMGRAD_INLINE std::vector<std::string> Symbol::list_outputs() const {
  std::vector<std::string> r;
  for (const auto& e : outputs_) r.push_back(entry_name(e));
  return r;
}

SYMGRAD_INLINE Symbol Symbol::get_internals() const {
  std::vector<NodeEntry> all;
  for (Node* n : topo_order(outputs_)) {
    std::size_t k = n->op ? n->op->num_visible_outputs() : 1;
    for (std::size_t i = 0; i < k; ++i) all.push_back({n->shared_from_this(), static_cast<std::uint32_t>(i)});
  }
  return Symbol(std::move(all));
}

SYMGRAD_INLINE std::optional<std::string> Symbol::attr(std::string_view key) const {
  auto m = list_attr();
  auto it = m.find(key);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

SYMGRAD_INLINE std::map<std::string, AttrMap> Symbol::attr_dict() const {
  std::map<std::string, AttrMap> d;
  for (Node* n : topo_order(outputs_)) {
    auto m = node_attrs(*n);
    if (!m.empty()) d[n->name] = std::move(m);
  }
  return d;
}

SYMGRAD_INLINE void Symbol::spell_op_attrs(AttrMap attrs) {
  const NodePtr& n = outputs_.empty() ? entry().node : outputs_[0].node;
  for (const auto& e : outputs_)
    if (e.node != n) entry();  // several nodes: the one-output error
  if (!n->op) throw ValueError("spell_op_attrs: '" + n->name + "' is a variable");
  n->op_attrs = std::move(attrs);
}

SYMGRAD_INLINE void Symbol::check_user_key(const std::string& key) {
  if (!(key.size() > 4 && key.starts_with("__") && key.ends_with("__")))
    throw ValueError("attribute name '" + key +
                     "' is not supported: user attributes must start and end with double "
                     "underscores, e.g. __yourattr__");
}

SYMGRAD_INLINE std::vector<std::string> Symbol::variable_names(int mode) const {
  auto nodes = topo_order(outputs_);
  auto aux = aux_variables(nodes);
  std::vector<std::string> r;
  for (Node* n : nodes)
    if (n->is_variable() && (mode == 0 || (mode == 1) == !aux.count(n))) r.push_back(n->name);
  return r;
}

SYMGRAD_INLINE AttrMap Symbol::node_attrs(const Node& n) {
  AttrMap m = !n.op ? AttrMap{} : !n.op_attrs.empty() ? n.op_attrs : n.op->attrs();
  for (const auto& [k, v] : n.attrs) m[k] = v;
  return m;
}

}  // namespace SYMGRAD_NS
#endif
