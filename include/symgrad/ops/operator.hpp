// Operator: the graph-level operator (symbol/op_base.hpp) plus its CPU kernel. The executor calls
// forward() once per step with arrays planned at bind; kernels must not allocate.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../core/req.hpp"
#include "../ndarray/ndarray.hpp"
#include "../ndarray/random.hpp"
#include "../symbol/op_base.hpp"

// For operators whose forward() uses only device-aware helpers (copy_req, NDArray::fill,
// reshape): the same code runs on gpu(n) arrays.
#if SYMGRAD_WITH_CUDA
#define SYMGRAD_FORWARD_ON_ANY_DEVICE                                                            \
  std::string gpu_unsupported() const override { return ""; }                                    \
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out, \
                   std::span<const OpReq> req) const override {                                  \
    forward(ctx, in, out, req);                                                                  \
  }
#else
#define SYMGRAD_FORWARD_ON_ANY_DEVICE
#endif

namespace SYMGRAD_NS {

// Thrown by a kernel that finds bad input data (an index out of range ...); the executor turns
// it into a ValueError that names the node and its operator.
namespace ops {
struct KernelInputError {
  std::string message;
};
}  // namespace ops

struct RunCtx {
  bool is_train = false;
  nd::random::Generator* rng = nullptr;  // the executor's generator (Dropout masks ...)
  void* workspace = nullptr;             // scratch memory planned at bind (workspace_bytes)
  std::size_t workspace_bytes = 0;
  Context ctx = cpu();  // where the step's arrays live
};

class Operator : public OpBase {
 public:
  // Computes outputs from inputs; out[i] is written or added to as req[i] says (null: skip).
  virtual void forward(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                       std::span<const OpReq> req) const = 0;
  // Scratch bytes forward() needs for these shapes; the executor allocates the largest once.
  virtual std::size_t workspace_bytes(const std::vector<Shape>& /*in*/, const std::vector<Shape>& /*out*/,
                                      DType /*dtype*/) const {
    return 0;
  }
  // True for the few operators whose kernels take float16 arrays (Cast, amp_cast, amp_multicast
  // and their backward); bind refuses float16 anywhere else with a TypeError naming the node.
  virtual bool takes_float16() const { return false; }
  // The GPU path. gpu_unsupported() is "" when forward_gpu() can run this operator, with these
  // attributes, on gpu(n) arrays; otherwise it says what is missing, and bind on a GPU fails with
  // a DeviceError that names the node. Operators implement both where SYMGRAD_WITH_CUDA is set.
  virtual std::string gpu_unsupported() const { return "no CUDA kernel yet"; }
  virtual void forward_gpu(const RunCtx&, std::span<const NDArray>, std::span<const NDArray>,
                           std::span<const OpReq>) const {
    throw DeviceError(type_name() + ": no CUDA kernel yet");
  }
};

namespace ops {

// One shape for every input and output; both directions.
inline void same_shape_rule(ShapeCtx& c) {
  Shape s = c.num_out() ? c.out(0) : Shape::unknown();
  std::size_t from = c.num_in();  // which input fixed s (for the message)
  for (std::size_t i = 0; i < c.num_in(); ++i) {
    auto m = merge(s, c.in(i));
    if (!m.ok)
      ShapeCtx::fail(c.in_name(i) + " has shape " + c.in(i).str() + " but " +
                     (from < c.num_in() ? c.in_name(from) : std::string("the output")) + " has shape " +
                     s.str() + "; elementwise operators need equal shapes (broadcast_* operators broadcast)");
    if (!s.rank_known() || unknown_count(m.shape) < unknown_count(s)) from = from < c.num_in() ? from : i;
    s = m.shape;
  }
  for (std::size_t i = 0; i < c.num_in(); ++i) c.assign_in(i, s);
  for (std::size_t j = 0; j < c.num_out(); ++j) c.assign_out(j, s);
}

// Rules of operators that are never differentiated again (backward operators).
[[noreturn]] inline std::vector<NodeEntry> no_second_order(const OpBase& op) {
  throw ValueError("second-order gradients through " + op.type_name() + " are not supported");
}

inline NodeEntry out_entry(const NodePtr& n, std::uint32_t i = 0) { return {n, i}; }

// A new node named after the forward node it serves ("fc1_backward").
inline NodePtr grad_node(std::shared_ptr<const OpBase> op, const NodePtr& fwd, std::string suffix,
                         std::vector<NodeEntry> inputs) {
  return make_node(std::move(op), fwd->name + "_" + suffix, std::move(inputs));
}

}  // namespace ops
}  // namespace SYMGRAD_NS
