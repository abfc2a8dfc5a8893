// Operators written by the user, without changing the library: MXNet's mx.operator.CustomOp and
// CustomOpProp, and Custom nodes with an `op_type`.
//
//   struct Square : sg::CustomOp { forward: y = x * x; backward: dx = 2 x dy };
//   struct SquareProp : sg::CustomOpProp {
//     std::shared_ptr<sg::CustomOp> create_operator(...) const override { ... }
//   };
//   sg::register_custom_op("square", [](const sg::AttrMap& kwargs) { return std::make_shared<SquareProp>();
//   }); Symbol y = sg::sym::custom({x}, {.op_type = "square"});
//
// As in MXNet:
// * a Custom node's inputs are the prop's arguments, then its auxiliary states; its attributes
//   are `op_type` and the keyword arguments, strings both ways (so symbol JSON with Custom nodes
//   loads once the op_type is registered, and a symbol using one saves like any other);
// * the prop's infer_shape / infer_type are asked once the first argument's shape / dtype is
//   known (the other arguments' may still be unknown) and return the arguments', outputs' and
//   auxiliary states' (the defaults: the first argument's for all);
// * backward gets the outputs' gradients (zeros where none arrives; none at all read when
//   need_top_grad is false, a loss), the inputs and the outputs, and writes the arguments'
//   gradients as req says (CustomOp::assign);
// * create_operator is called once per node, at the first forward, with the input shapes and
//   dtypes; the same CustomOp then serves every forward and backward of that node (in every
//   executor bound from the symbol).
// Custom operators run on the CPU (arrays of a gpu(n) executor are not handed to them).
#pragma once
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "../core/attrs.hpp"
#include "../core/context.hpp"
#include "../core/req.hpp"
#include "../ndarray/ndarray.hpp"
#include "../symbol/compose.hpp"

namespace SYMGRAD_NS {

// The kernels of a user-defined operator (mx.operator.CustomOp).
class CustomOp {
 public:
  virtual ~CustomOp() = default;
  virtual void forward(bool is_train, std::span<const OpReq> req, std::span<const NDArray> in_data,
                       std::span<const NDArray> out_data, std::span<const NDArray> aux) = 0;
  virtual void backward(std::span<const OpReq> req, std::span<const NDArray> out_grad,
                        std::span<const NDArray> in_data, std::span<const NDArray> out_data,
                        std::span<const NDArray> in_grad, std::span<const NDArray> aux) = 0;
  // dst = src (write, inplace), dst += src (add), nothing (null): CustomOp.assign. Same shape.
  static void assign(const NDArray& dst, OpReq req, const NDArray& src);
};

// The description of a user-defined operator (mx.operator.CustomOpProp).
class CustomOpProp {
 public:
  explicit CustomOpProp(bool need_top_grad = true) : need_top_grad_(need_top_grad) {}
  virtual ~CustomOpProp() = default;
  virtual std::vector<std::string> list_arguments() const { return {"data"}; }
  virtual std::vector<std::string> list_outputs() const { return {"output"}; }
  virtual std::vector<std::string> list_auxiliary_states() const { return {}; }
  struct Shapes {
    std::vector<Shape> in, out, aux;
  };
  // From the arguments' shapes (list_arguments order): the arguments', outputs' and auxiliary
  // states' shapes. Default: all the first argument's.
  virtual Shapes infer_shape(const std::vector<Shape>& in) const;
  struct Types {
    std::vector<DType> in, out, aux;
  };
  // Default: all the first argument's dtype.
  virtual Types infer_type(const std::vector<DType>& in) const;
  virtual std::shared_ptr<CustomOp> create_operator(Context ctx, const std::vector<Shape>& in_shapes,
                                                    const std::vector<DType>& in_types) const = 0;
  // False for an operator that makes its own gradient (a loss): no head gradient is needed.
  bool need_top_grad() const { return need_top_grad_; }

 private:
  bool need_top_grad_;
};

// Builds the prop of a Custom node from its keyword arguments (every attribute but op_type).
using CustomOpFactory = std::function<std::shared_ptr<CustomOpProp>(const AttrMap& kwargs)>;

// mx.operator.register(op_type): Custom nodes with this op_type use the factory. Registering an
// op_type again replaces it (for nodes built afterwards). Thread-safe.
void register_custom_op(const std::string& op_type, CustomOpFactory factory);
// The registered op_types, sorted.
std::vector<std::string> custom_op_types();

namespace ops {
class Custom;  // ops/custom-inl.hpp
}  // namespace ops

namespace sym {
struct CustomOptions {
  std::string op_type;  // required: a registered op_type
  AttrMap kwargs = {};  // the prop's keyword arguments, as strings
  std::string name = {};
};
// mx.sym.Custom(*inputs, op_type=..., **kwargs); missing trailing inputs (auxiliary states, say)
// become variables named <node>_<argument>.
Symbol custom(const std::vector<Symbol>& inputs, const CustomOptions& o);
}  // namespace sym

}  // namespace SYMGRAD_NS
