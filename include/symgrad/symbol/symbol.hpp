// Symbol: a handle on one or more outputs of the graph, with MXNet's Symbol API (list_*,
// infer_shape, indexing, internals, attributes, binding).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/context.hpp"
#include "../core/dtype.hpp"
#include "../core/naming.hpp"
#include "../core/req.hpp"
#include "../core/shape.hpp"
#include "node.hpp"

namespace SYMGRAD_NS {

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
  GradReq(const char* all) : all_(parse_req(all)) {}         // NOLINT: implicit by design
  GradReq(const std::string& all) : all_(parse_req(all)) {}  // NOLINT
  GradReq(std::map<std::string, std::string> by_name) : by_name_(std::move(by_name)), mode_(1) {}  // NOLINT
  GradReq(std::vector<std::string> in_order) : in_order_(std::move(in_order)), mode_(2) {}         // NOLINT

  // The request of each argument, in order.
  std::vector<OpReq> resolve(const std::vector<std::string>& args) const;
  bool is_uniform() const { return mode_ == 0; }

 private:
  OpReq all_ = OpReq::write;
  std::map<std::string, std::string> by_name_;
  std::vector<std::string> in_order_;
  int mode_ = 0;
};

struct SharedMemoryPool;  // exec/executor.hpp

struct BindOptions {
  GradReq grad_req = "write";
  TypeDict type_dict = {};
  std::uint64_t seed = 0;  // random operators (Dropout) draw from a generator seeded with this
  // forward(is_train = false) runs convolution → batch norm → add → relu/clip chains as one
  // fused step each (exec/infer_rewrite-inl.hpp); false keeps the plain steps. The environment
  // variable SYMGRAD_INFERENCE_FUSION=0 turns it off for every executor.
  bool inference_fusion = true;
  // An executor that computes no gradient (grad_req null everywhere) shares one buffer among
  // intermediate arrays whose lifetimes do not overlap (exec/memory_plan-inl.hpp), as MXNet
  // does; false gives every array its own. SYMGRAD_MEMORY_PLAN=0 turns it off for every
  // executor. Outputs, arguments and auxiliary states are never shared.
  bool memory_plan = true;
  // Executors bound with one pool keep the intermediate arrays of forward and backward in its
  // buffer, one after another from its start (MXNet's shared executors, as BucketingModule binds
  // its buckets): they must not run at the same time (forward and backward of one before the
  // next). Training executors on the CPU only; the pool grows when a larger executor binds (the
  // earlier ones keep the old buffer), so bind the largest first. memory_plan = false or
  // SYMGRAD_MEMORY_PLAN=0 turns the pool off too.
  std::shared_ptr<SharedMemoryPool> shared_pool = {};
};

class Symbol {
 public:
  Symbol() = default;
  explicit Symbol(std::vector<NodeEntry> outputs) : outputs_(std::move(outputs)) {}

  const std::vector<NodeEntry>& entries() const { return outputs_; }
  bool empty() const { return outputs_.empty(); }
  std::size_t size() const { return outputs_.size(); }  // number of outputs
  const NodeEntry& entry() const {                      // the single output
    if (outputs_.size() != 1) throw_not_single();
    return outputs_[0];
  }

  Symbol operator[](std::size_t i) const;
  Symbol operator[](std::string_view name) const;

  // The head node's name when every output comes from one node, else nothing (a group).
  std::optional<std::string> name() const;

  std::vector<std::string> list_outputs() const;
  std::vector<std::string> list_inputs() const { return variable_names(0); }
  std::vector<std::string> list_arguments() const { return variable_names(1); }
  std::vector<std::string> list_auxiliary_states() const { return variable_names(2); }

  // Every visible output of every node, variables included, in DFS order.
  Symbol get_internals() const;
  // The inputs of the head node (empty for a variable).
  Symbol get_children() const { return Symbol(entry().node->inputs); }

  // Attribute of the head node: its operator's parameters and user attributes.
  std::optional<std::string> attr(std::string_view key) const;
  AttrMap list_attr() const { return node_attrs(*entry().node); }
  std::map<std::string, AttrMap> attr_dict() const;
  // Spells the head operator's parameters for symbol JSON and attr_dict exactly as given (as
  // MXNet records the keyword arguments of a Python call: {"axis": "1", "squeeze_axis": "1"}).
  // The operator itself is unchanged; the strings must describe the same parameters.
  void spell_op_attrs(AttrMap attrs);
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

  // Defined with the executor (exec/bind-inl.hpp).
  Executor simple_bind(Context ctx, const ShapeDict& shapes) const;
  Executor simple_bind(Context ctx, const ShapeDict& shapes, const BindOptions& opts) const;
  Executor bind(Context ctx, const std::map<std::string, NDArray>& args,
                const std::map<std::string, NDArray>& args_grad = {}, const GradReq& grad_req = "write",
                const std::map<std::string, NDArray>& aux_states = {}) const;

  // MXNet's symbol JSON (symbol/json-inl.hpp; loading is in the registry's layer,
  // ops/symbol_json-inl.hpp).
  std::string tojson() const;
  void save(const std::string& path) const;  // written to a temporary name, then renamed
  static Symbol load_json(const std::string& json);
  static Symbol load(const std::string& path);

  static void check_user_key(const std::string& key);

 private:
  // mode 0: all variables, 1: arguments, 2: auxiliary states
  std::vector<std::string> variable_names(int mode) const;
  static AttrMap node_attrs(const Node& n);
  [[noreturn]] void throw_not_single() const;

  InferShapeResult infer_shape_impl(const ShapeDict& known, bool partial) const;
  InferTypeResult infer_type_impl(const TypeDict& known, bool partial) const;

  std::vector<NodeEntry> outputs_;
};

}  // namespace SYMGRAD_NS
