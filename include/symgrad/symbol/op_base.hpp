// The abstract operator as the graph core sees it: names, shape and type rules, gradient rule.
// One instance per node carries that node's parsed parameters. Kernels are added in ops/.
#pragma once
#include <cctype>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../core/attrs.hpp"
#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "node.hpp"

namespace SYMGRAD_NS {

// Thrown by shape and type rules; the inference pass turns it into a ShapeError/TypeError that
// names the node, its operator and the shapes it knew.
struct RuleError {
  std::string message;
};

// One node's shapes during inference. Rules read in()/out() and may fill unknown entries of
// either with assign_*; a conflict throws RuleError naming the argument.
class ShapeCtx {
 public:
  ShapeCtx(std::span<Shape> in, std::span<Shape> out, const std::vector<std::string>& in_names,
           const std::vector<std::string>& out_names)
      : in_(in), out_(out), in_names_(in_names), out_names_(out_names) {}
  const Shape& in(std::size_t i) const { return in_[i]; }
  const Shape& out(std::size_t i) const { return out_[i]; }
  std::size_t num_in() const { return in_.size(); }
  std::size_t num_out() const { return out_.size(); }
  const std::string& in_name(std::size_t i) const { return in_names_[i]; }

  void assign_in(std::size_t i, const Shape& s, const std::string& why = "") {
    assign(in_[i], s, in_names_[i], why);
  }
  void assign_out(std::size_t i, const Shape& s, const std::string& why = "") {
    assign(out_[i], s, "output '" + out_names_[i] + "'", why);
  }
  [[noreturn]] static void fail(std::string msg) { throw RuleError{std::move(msg)}; }

 private:
  static void assign(Shape& slot, const Shape& s, const std::string& what, const std::string& why) {
    auto m = merge(slot, s);
    if (!m.ok)
      fail(what + " has shape " + slot.str() + " but " + (why.empty() ? "the operator" : why) + " requires " +
           s.str());
    slot = m.shape;
  }
  std::span<Shape> in_, out_;
  const std::vector<std::string>& in_names_;
  const std::vector<std::string>& out_names_;
};

class TypeCtx {
 public:
  TypeCtx(std::span<std::optional<DType>> in, std::span<std::optional<DType>> out,
          const std::vector<std::string>& in_names)
      : in_(in), out_(out), in_names_(in_names) {}
  std::optional<DType> in(std::size_t i) const { return in_[i]; }
  std::optional<DType> out(std::size_t i) const { return out_[i]; }
  std::size_t num_in() const { return in_.size(); }
  std::size_t num_out() const { return out_.size(); }
  void assign_in(std::size_t i, DType t) { assign(in_[i], t, "input '" + in_names_[i] + "'"); }
  void assign_out(std::size_t i, DType t) { assign(out_[i], t, "output " + std::to_string(i)); }

 private:
  static void assign(std::optional<DType>& slot, DType t, const std::string& what) {
    if (slot && *slot != t)
      throw RuleError{what + " has dtype " + std::string(dtype_name(*slot)) + " but " +
                      std::string(dtype_name(t)) + " is required"};
    slot = t;
  }
  std::span<std::optional<DType>> in_, out_;
  const std::vector<std::string>& in_names_;
};

// How an operator takes part in back-propagation.
enum class GradKind {
  normal,  // needs the gradient of its outputs
  loss,    // makes its own head gradient; gradients arriving at its output are ignored
  block,   // passes no gradient to its inputs; its output needs no head gradient
};

class OpBase {
 public:
  virtual ~OpBase() = default;
  // The operator's name in symbol JSON ("FullyConnected", "elemwise_sub").
  virtual std::string type_name() const = 0;
  // Prefix of automatic node names ("fullyconnected", "_minus").
  virtual std::string name_hint() const {
    std::string s = type_name();
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  virtual std::vector<std::string> arguments() const { return {"data"}; }
  virtual std::vector<std::string> outputs() const { return {"output"}; }
  // Outputs past this count are hidden (Dropout's mask); they exist but are not listed.
  virtual std::size_t num_visible_outputs() const { return outputs().size(); }
  // Outputs counted by MXNet's node_row_ptr in symbol JSON (MXNet keeps some buffers, such as
  // the fused RNN's reserve space, out of the outputs that symgrad exposes as hidden ones).
  virtual std::size_t json_num_outputs() const { return outputs().size(); }
  // Inputs the operator updates in place: auxiliary states (BatchNorm's moving statistics).
  virtual std::vector<std::size_t> aux_inputs() const { return {}; }
  // Parameters as strings; only values that differ from MXNet's defaults (and required ones).
  virtual AttrMap attrs() const { return {}; }

  virtual void infer_shape(ShapeCtx& c) const = 0;
  // Default: every input and output has one dtype.
  virtual void infer_type(TypeCtx& c) const {
    std::optional<DType> t;
    for (std::size_t i = 0; i < c.num_in() && !t; ++i) t = c.in(i);
    for (std::size_t i = 0; i < c.num_out() && !t; ++i) t = c.out(i);
    if (!t) return;
    for (std::size_t i = 0; i < c.num_in(); ++i) c.assign_in(i, *t);
    for (std::size_t i = 0; i < c.num_out(); ++i) c.assign_out(i, *t);
  }

  virtual GradKind grad_kind() const { return GradKind::normal; }
  // False for inputs that carry no gradient (indices, labels of a loss).
  virtual bool differentiable(std::size_t /*input*/) const { return true; }
  // The gradient of each input as graph entries, built from the node itself and the gradients of
  // its outputs (`ograds`, one per output; an empty entry means none arrived). An empty returned
  // entry means no gradient for that input.
  virtual std::vector<NodeEntry> gradient(const NodePtr& node,
                                          const std::vector<NodeEntry>& ograds) const = 0;
};

// Builds a new operator node (used by gradient rules and typed expressions).
inline NodePtr make_node(std::shared_ptr<const OpBase> op, std::string name, std::vector<NodeEntry> inputs) {
  auto n = std::make_shared<Node>();
  n->op = std::move(op);
  n->name = std::move(name);
  n->inputs = std::move(inputs);
  return n;
}

}  // namespace SYMGRAD_NS
