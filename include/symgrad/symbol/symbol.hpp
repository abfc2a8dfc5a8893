// Symbol: a handle on one or more outputs of the graph, with MXNet's Symbol API (list_*,
// infer_shape, indexing, internals, attributes, binding).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../core/naming.hpp"
#include "../core/req.hpp"
#include "../core/context.hpp"
#include "../core/strings.hpp"
#include "infer.hpp"

namespace symgrad {

class Executor;
class NDArray;

using ShapeDict = std::map<std::string, Shape, std::less<>>;
using TypeDict = std::map<std::string, DType, std::less<>>;

struct InferShapeResult {
  std::vector<Shape> arg_shapes, out_shapes, aux_shapes;
};
struct InferTypeResult {
  std::vector<std::optional<DType>> arg_types, out_types, aux_types;
};

// grad_req for bind: one request for every argument ("write", "add", "null"), a map by name
// (arguments not listed get "null", as in MXNet), or a list in list_arguments() order.
class GradReq {
 public:
  GradReq(const char* all) : all_(parse_req(all)) {}  // NOLINT: implicit by design
  GradReq(const std::string& all) : all_(parse_req(all)) {}  // NOLINT
  GradReq(std::map<std::string, std::string> by_name) : by_name_(std::move(by_name)), mode_(1) {}  // NOLINT
  GradReq(std::vector<std::string> in_order) : in_order_(std::move(in_order)), mode_(2) {}  // NOLINT

  // The request of each argument, in order.
  std::vector<OpReq> resolve(const std::vector<std::string>& args) const {
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
  bool is_uniform() const { return mode_ == 0; }

 private:
  OpReq all_ = OpReq::write;
  std::map<std::string, std::string> by_name_;
  std::vector<std::string> in_order_;
  int mode_ = 0;
};

struct BindOptions {
  GradReq grad_req = "write";
  TypeDict type_dict = {};
  std::uint64_t seed = 0;  // random operators (Dropout) draw from a generator seeded with this
};

class Symbol {
 public:
  Symbol() = default;
  explicit Symbol(std::vector<NodeEntry> outputs) : outputs_(std::move(outputs)) {}

  const std::vector<NodeEntry>& entries() const { return outputs_; }
  bool empty() const { return outputs_.empty(); }
  std::size_t size() const { return outputs_.size(); }  // number of outputs
  const NodeEntry& entry() const {  // the single output
    if (outputs_.size() != 1)
      throw ValueError("expected a symbol with one output, got " + std::to_string(outputs_.size()) +
                       (outputs_.empty() ? "" : " (" + detail::join(list_outputs()) + ")"));
    return outputs_[0];
  }

  Symbol operator[](std::size_t i) const {
    if (i >= outputs_.size())
      throw ValueError("output index " + std::to_string(i) + " is out of range: the symbol has " +
                       std::to_string(outputs_.size()) + " outputs");
    return Symbol({outputs_[i]});
  }
  Symbol operator[](std::string_view name) const {
    auto outs = list_outputs();
    std::optional<std::size_t> hit;
    for (std::size_t i = 0; i < outs.size(); ++i)
      if (outs[i] == name) {
        if (hit) throw ValueError("there are multiple outputs with name '" + std::string(name) + "'");
        hit = i;
      }
    if (!hit)
      throw NameError("no output is named '" + std::string(name) + "'." +
                      detail::did_you_mean(name, outs) + " Outputs: " + detail::join(outs));
    return Symbol({outputs_[*hit]});
  }

  // The head node's name when every output comes from one node, else nothing (a group).
  std::optional<std::string> name() const {
    if (outputs_.empty()) return std::nullopt;
    for (const auto& e : outputs_)
      if (e.node != outputs_[0].node) return std::nullopt;
    return outputs_[0].node->name;
  }

  std::vector<std::string> list_outputs() const {
    std::vector<std::string> r;
    for (const auto& e : outputs_) r.push_back(entry_name(e));
    return r;
  }
  std::vector<std::string> list_inputs() const { return variable_names(0); }
  std::vector<std::string> list_arguments() const { return variable_names(1); }
  std::vector<std::string> list_auxiliary_states() const { return variable_names(2); }

  // Every visible output of every node, variables included, in DFS order.
  Symbol get_internals() const {
    std::vector<NodeEntry> all;
    for (Node* n : topo_order(outputs_)) {
      std::size_t k = n->op ? n->op->num_visible_outputs() : 1;
      for (std::size_t i = 0; i < k; ++i) all.push_back({n->shared_from_this(), static_cast<std::uint32_t>(i)});
    }
    return Symbol(std::move(all));
  }
  // The inputs of the head node (empty for a variable).
  Symbol get_children() const { return Symbol(entry().node->inputs); }

  // Attribute of the head node: its operator's parameters and user attributes.
  std::optional<std::string> attr(std::string_view key) const {
    auto m = list_attr();
    auto it = m.find(key);
    if (it == m.end()) return std::nullopt;
    return it->second;
  }
  AttrMap list_attr() const { return node_attrs(*entry().node); }
  std::map<std::string, AttrMap> attr_dict() const {
    std::map<std::string, AttrMap> d;
    for (Node* n : topo_order(outputs_)) {
      auto m = node_attrs(*n);
      if (!m.empty()) d[n->name] = std::move(m);
    }
    return d;
  }
  // Spells the head operator's parameters for symbol JSON and attr_dict exactly as given (as
  // MXNet records the keyword arguments of a Python call: {"axis": "1", "squeeze_axis": "1"}).
  // The operator itself is unchanged; the strings must describe the same parameters.
  void spell_op_attrs(AttrMap attrs) {
    const NodePtr& n = outputs_.empty() ? entry().node : outputs_[0].node;
    for (const auto& e : outputs_)
      if (e.node != n) entry();  // several nodes: the one-output error
    if (!n->op) throw ValueError("spell_op_attrs: '" + n->name + "' is a variable");
    n->op_attrs = std::move(attrs);
  }
  // Sets a user attribute on the head node; keys must look like __x__ (as MXNet requires).
  void set_attr(const std::string& key, const std::string& value) {
    check_user_key(key);
    entry().node->attrs[key] = value;
  }

  // Shapes of (arguments, outputs, auxiliary states) given some of the inputs' shapes. Throws
  // ShapeError naming every entry that stays unknown; infer_shape_partial returns them unknown.
  InferShapeResult infer_shape(const ShapeDict& known) const { return infer_shape_impl(known, false); }
  InferShapeResult infer_shape_partial(const ShapeDict& known) const { return infer_shape_impl(known, true); }
  InferTypeResult infer_type(const TypeDict& known) const { return infer_type_impl(known, false); }
  InferTypeResult infer_type_partial(const TypeDict& known) const { return infer_type_impl(known, true); }

  // Defined in exec/executor.hpp.
  Executor simple_bind(Context ctx, const ShapeDict& shapes, const BindOptions& opts = {}) const;
  Executor bind(Context ctx, const std::map<std::string, NDArray>& args,
                const std::map<std::string, NDArray>& args_grad = {}, const GradReq& grad_req = "write",
                const std::map<std::string, NDArray>& aux_states = {}) const;

  // MXNet's symbol JSON (symbol/json.hpp); load/load_json are in ops/symbol_json.hpp.
  std::string tojson() const;
  void save(const std::string& path) const;  // written to a temporary name, then renamed
  static Symbol load_json(const std::string& json);
  static Symbol load(const std::string& path);

  static void check_user_key(const std::string& key) {
    if (!(key.size() > 4 && key.starts_with("__") && key.ends_with("__")))
      throw ValueError("attribute name '" + key +
                       "' is not supported: user attributes must start and end with double "
                       "underscores, e.g. __yourattr__");
  }

 private:
  // mode 0: all variables, 1: arguments, 2: auxiliary states
  std::vector<std::string> variable_names(int mode) const {
    auto nodes = topo_order(outputs_);
    auto aux = aux_variables(nodes);
    std::vector<std::string> r;
    for (Node* n : nodes)
      if (n->is_variable() && (mode == 0 || (mode == 1) == !aux.count(n))) r.push_back(n->name);
    return r;
  }
  static AttrMap node_attrs(const Node& n) {
    AttrMap m = !n.op ? AttrMap{} : !n.op_attrs.empty() ? n.op_attrs : n.op->attrs();
    for (const auto& [k, v] : n.attrs) m[k] = v;
    return m;
  }

  InferShapeResult infer_shape_impl(const ShapeDict& known, bool partial) const;
  InferTypeResult infer_type_impl(const TypeDict& known, bool partial) const;

  std::vector<NodeEntry> outputs_;
};

}  // namespace symgrad
