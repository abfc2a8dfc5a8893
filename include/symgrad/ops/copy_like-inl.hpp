// _copy_like(src, like): src's values with like's shape (same size). The gradient of every
// operator that only re-views its data (Reshape, Flatten, expand_dims).
#pragma once
#include <memory>
#include <span>
#include "elemwise-inl.hpp"
#include "op_table.hpp"

namespace SYMGRAD_NS::ops {

class CopyLike final : public Operator {
 public:
  ~CopyLike() override;  // the key function: vtable and kernels are compiled with the unit
  std::string type_name() const override { return "_copy_like"; }
  std::vector<std::string> arguments() const override { return {"data", "like"}; }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, c.in(1)); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (in[0].size() != out[0].size())
      throw Error("internal: _copy_like of " + std::to_string(in[0].size()) + " elements into " +
                  std::to_string(out[0].size()));
    copy_req(in[0].reshape(out[0].shape()), out[0], req[0]);
  }
};

// The gradient node of a re-viewing operator: dy re-viewed with the input's shape.
inline NodeEntry grad_as_input(const NodePtr& n, const NodeEntry& og) {
  return out_entry(grad_node(std::make_shared<CopyLike>(), n, "backward", {og, n->inputs[0]}));
}

}  // namespace SYMGRAD_NS::ops

// Registry entries (ops/registry.hpp).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_COPY_LIKE)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_copy_like(OpTable& t) { t["_copy_like"] = reg::plain<CopyLike>; }
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_COPY_LIKE)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE CopyLike::~CopyLike() = default;
}  // namespace SYMGRAD_NS::ops
#endif
