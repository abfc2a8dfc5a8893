// Operators and kernels of ops/stack.hpp.
#pragma once
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "concat-inl.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "stack.hpp"

namespace SYMGRAD_NS::ops {

// s without dimension ax; s with v inserted before dimension ax.
inline Shape without_axis(const Shape& s, int ax) {
  Shape r;
  for (int i = 0; i < s.ndim(); ++i)
    if (i != ax) r.push_back(s[i]);
  return r;
}
inline Shape with_axis(const Shape& s, int ax, std::int64_t v) {
  Shape r;
  for (int i = 0; i <= s.ndim(); ++i) {
    if (i == ax) r.push_back(v);
    if (i < s.ndim()) r.push_back(s[i]);
  }
  return r;
}

class Stack final : public Operator {
 public:
  ~Stack() override;  // the key function: vtable and kernels are compiled with the unit
  Stack(std::size_t n, std::int64_t axis) : n_(n), axis_(axis) {
    if (n < 1) throw ValueError("stack: num_args must be at least 1");
  }
  std::string type_name() const override { return "stack"; }
  std::vector<std::string> arguments() const override {
    std::vector<std::string> a;
    for (std::size_t i = 0; i < n_; ++i) a.push_back("arg" + std::to_string(i));
    return a;
  }
  AttrMap attrs() const override { return {{"axis", attr::format(axis_)}, {"num_args", std::to_string(n_)}}; }
  void infer_shape(ShapeCtx& c) const override {
    // Every input has the output's shape without `axis`.
    Shape common = Shape::unknown();
    if (c.out(0).rank_known()) {
      const int ax = out_axis(c.out(0).ndim());
      if (c.out(0)[ax] >= 0 && c.out(0)[ax] != static_cast<std::int64_t>(n_))
        ShapeCtx::fail("the output has " + std::to_string(c.out(0)[ax]) + " along axis " +
                       std::to_string(axis_) + " but there are " + std::to_string(n_) + " inputs");
      common = without_axis(c.out(0), ax);
    }
    for (std::size_t i = 0; i < n_; ++i) {
      auto m = merge(common, c.in(i));
      if (!m.ok)
        ShapeCtx::fail(c.in_name(i) + " has shape " + c.in(i).str() +
                       " but the inputs of stack need one shape (" + common.str() + ")");
      common = m.shape;
    }
    if (!common.rank_known()) return;
    for (std::size_t i = 0; i < n_; ++i) c.assign_in(i, common);
    const int nd = common.ndim() + 1;
    if (axis_ < -nd || axis_ >= nd)
      ShapeCtx::fail("axis " + std::to_string(axis_) + " is out of range for inputs of rank " +
                     std::to_string(common.ndim()) + " (use -" + std::to_string(nd) + " to " +
                     std::to_string(nd - 1) + ")");
    c.assign_out(0, with_axis(common, out_axis(nd), static_cast<std::int64_t>(n_)));
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    std::vector<NodeEntry> ins{og[0]};
    ins.insert(ins.end(), n->inputs.begin(), n->inputs.end());
    auto b =
        grad_node(std::make_shared<SplitLike>(n_, axis_, "_backward_stack"), n, "backward", std::move(ins));
    std::vector<NodeEntry> g;
    for (std::size_t i = 0; i < n_; ++i) g.push_back(out_entry(b, static_cast<std::uint32_t>(i)));
    return g;
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const int ax = out_axis(out[0].ndim());
    dispatch_dtype(out[0].dtype(), [&](auto t) {
      for (std::size_t i = 0; i < n_; ++i)
        slab_copy<decltype(t)>(out[0], in[i], ax, static_cast<std::int64_t>(i), true, req[0]);
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    const int ax = out_axis(out[0].ndim());
    for (std::size_t i = 0; i < n_; ++i)
      on_gpu::slab_copy(out[0], in[i], ax, static_cast<std::int64_t>(i), true, req[0]);
  }
#endif

 private:
  int out_axis(int out_ndim) const { return norm_axis(axis_, out_ndim); }
  std::size_t n_;
  std::int64_t axis_;
};

namespace reg {
inline OpPtr stack(const AttrMap& m, std::size_t n) {
  attr::Reader r("stack", m);
  std::int64_t k = static_cast<std::int64_t>(n), axis = 0;
  r.get("num_args", k);
  r.get("axis", axis);
  r.finish();
  if (k < 1 || static_cast<std::size_t>(k) != n)
    throw ValueError("stack: num_args=" + std::to_string(k) + " but the node has " + std::to_string(n) +
                     " inputs");
  return std::make_shared<Stack>(n, axis);
}
}  // namespace reg
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_STACK)
namespace SYMGRAD_NS::sym {
SYMGRAD_INLINE Symbol stack(const std::vector<Symbol>& data, const StackOptions& o) {
  return compose(std::make_shared<ops::Stack>(data.size(), o.axis), data, o.name);
}
}  // namespace SYMGRAD_NS::sym
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_stack(OpTable& t) { t["stack"] = reg::stack; }
// Key function (see the class above).
SYMGRAD_INLINE Stack::~Stack() = default;
}  // namespace SYMGRAD_NS::ops
#endif
