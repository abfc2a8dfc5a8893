// Operators and kernels of ops/ordering.hpp.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <numeric>
#include <span>
#include <string>
#include <type_traits>
#include <utility>

#include "op_table.hpp"
#include "operator.hpp"
#include "ordering.hpp"
#include "param_op.hpp"
#include "params.hpp"

namespace SYMGRAD_NS::ops {

template <>
inline constexpr auto param_fields<TopKParam> = std::tuple{
    field("axis", &TopKParam::axis), field("k", &TopKParam::k), field("ret_typ", &TopKParam::ret_typ),
    field("is_ascend", &TopKParam::is_ascend), field("dtype", &TopKParam::dtype)};
template <>
inline constexpr auto param_fields<SortParam> =
    std::tuple{field("axis", &SortParam::axis), field("is_ascend", &SortParam::is_ascend)};
template <>
inline constexpr auto param_fields<ArgSortParam> =
    std::tuple{field("axis", &ArgSortParam::axis), field("is_ascend", &ArgSortParam::is_ascend),
               field("dtype", &ArgSortParam::dtype)};

namespace ordering_detail {

// What one of the three operators computes, in topk's terms.
struct Plan {
  std::optional<std::int64_t> axis;
  std::int64_t k = 0;  // < 1: the whole row
  TopKReturn ret = TopKReturn::indices;
  bool is_ascend = false;
  DType dtype = DType::float32;
  bool two_outputs() const { return ret == TopKReturn::value || ret == TopKReturn::both; }
  bool differentiable() const { return two_outputs(); }
  // The output that holds the positions, or -1 (mask).
  int index_output() const { return ret == TopKReturn::indices ? 0 : (two_outputs() ? 1 : -1); }
};
inline Plan plan_of(const TopKParam& p) { return {p.axis, p.k, p.ret_typ, p.is_ascend, p.dtype}; }
inline Plan plan_of(const SortParam& p) {
  return {p.axis, 0, TopKReturn::value, p.is_ascend, DType::float32};
}
inline Plan plan_of(const ArgSortParam& p) { return {p.axis, 0, TopKReturn::indices, p.is_ascend, p.dtype}; }

// The data as rows of n entries, `inner` apart, around the axis (one row for axis None); k of each
// row are taken.
struct Geometry {
  std::int64_t outer = 1, n = 1, inner = 1, k = 1;
  Geometry(const Shape& s, const Plan& p) {
    if (!p.axis) {
      n = s.size();
    } else {
      const std::int64_t ax = *p.axis < 0 ? *p.axis + s.ndim() : *p.axis;
      for (int d = 0; d < s.ndim(); ++d) (d < ax ? outer : d == ax ? n : inner) *= s[d];
    }
    k = p.k < 1 ? n : p.k;
  }
};

// Puts in idx[0, k) the positions of the row's k first entries in the order asked for: equal
// values by position, NaN after every number (ascending) or before (descending).
template <class T>
void order_row(const T* x, std::int64_t stride, std::int64_t n, std::int64_t k, bool ascend,
               std::int64_t* idx) {
  std::iota(idx, idx + n, std::int64_t{0});
  auto before = [&](std::int64_t a, std::int64_t b) {
    const T va = x[a * stride], vb = x[b * stride];
    if constexpr (std::is_floating_point_v<T>) {
      const bool na = std::isnan(va), nb = std::isnan(vb);
      if (na || nb) return na && nb ? a < b : (ascend ? nb : na);
    }
    if (va != vb) return ascend ? va < vb : va > vb;
    return a < b;
  };
  if (k < n)
    std::partial_sort(idx, idx + k, idx + n, before);
  else
    std::sort(idx, idx + n, before);
}

template <class O>
void put(O* p, O v, OpReq r) {
  if (r == OpReq::add)
    *p = static_cast<O>(*p + v);
  else if (r != OpReq::null)
    *p = v;
}

}  // namespace ordering_detail

// _backward_topk(ograd, indices, data): ograd added at the positions the indices name, zeros
// elsewhere; the data gives the shape and dtype.
class TopKBackward final : public Operator {
 public:
  ~TopKBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit TopKBackward(ordering_detail::Plan p) : p_(std::move(p)) {}
  std::string type_name() const override { return "_backward_topk"; }
  std::vector<std::string> arguments() const override { return {"ograd", "indices", "data"}; }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, c.in(2)); }
  void infer_type(TypeCtx& c) const override {
    if (c.in(2)) c.assign_out(0, *c.in(2));
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    ordering_detail::Geometry g(out[0].shape(), p_);
    g.k = in[0].size() / std::max<std::int64_t>(1, g.outer * g.inner);
    if (req[0] == OpReq::write) std::memset(out[0].raw_data(), 0, out[0].nbytes());
    dispatch_float(out[0].dtype(), "topk", [&](auto t) {
      using T = decltype(t);
      const T* dy = in[0].data<T>();
      T* dx = out[0].data<T>();
      dispatch_dtype(in[1].dtype(), [&](auto ti) {
        using I = decltype(ti);
        const I* idx = in[1].data<I>();
        for (std::int64_t o = 0; o < g.outer; ++o)
          for (std::int64_t i = 0; i < g.inner; ++i)
            for (std::int64_t j = 0; j < g.k; ++j) {
              const std::int64_t e = (o * g.k + j) * g.inner + i;
              const std::int64_t pos = saturating_index(static_cast<double>(idx[e]));
              if (pos < 0 || pos >= g.n)
                throw KernelInputError{"indices holds " + attr::format_number(static_cast<double>(idx[e])) +
                                       ", outside [0, " + std::to_string(g.n - 1) + "]"};
              dx[(o * g.n + pos) * g.inner + i] += dy[e];
            }
      });
    });
  }

 private:
  ordering_detail::Plan p_;
};

// topk, sort and argsort: one operator over its plan.
template <class P, fixed_string Name>
class Ordering : public ParamOp<P, Name> {
 public:
  explicit Ordering(P p) : ParamOp<P, Name>(std::move(p)) {}
  explicit Ordering(const AttrMap& m) : ParamOp<P, Name>(m) {}
  std::vector<std::string> outputs() const override {
    if (plan().two_outputs()) return {"output0", "output1"};
    return {"output"};
  }
  std::size_t num_visible_outputs() const override { return plan().ret == TopKReturn::both ? 2 : 1; }
  void infer_shape(ShapeCtx& c) const override {
    const ordering_detail::Plan p = plan();
    const bool whole = p.ret == TopKReturn::mask || p.k < 1;  // outputs as long as the rows
    // back from an output: the data's rank (and the data's shape where the rows are whole)
    if (!c.in(0).rank_known() && p.axis && c.out(0).rank_known()) {
      Shape s = c.out(0);
      const std::int64_t ax = *p.axis < 0 ? *p.axis + s.ndim() : *p.axis;
      if (!whole && ax >= 0 && ax < s.ndim()) s[static_cast<int>(ax)] = dyn;
      c.assign_in(0, s);
    }
    if (!c.in(0).rank_known() && !p.axis && p.ret == TopKReturn::mask && c.out(0).rank_known())
      c.assign_in(0, c.out(0));
    const Shape& in = c.in(0);
    if (!in.rank_known()) return;
    Shape out = in;
    std::int64_t n = dyn;
    if (!p.axis) {
      if (in.known()) n = in.size();
      if (p.ret != TopKReturn::mask) out = Shape{dyn};
    } else {
      const std::int64_t ax = *p.axis < 0 ? *p.axis + in.ndim() : *p.axis;
      if (ax < 0 || ax >= in.ndim())
        ShapeCtx::fail("axis " + std::to_string(*p.axis) + " is out of range for " + c.in_name(0) +
                       " of shape " + in.str() + " (valid: -" + std::to_string(in.ndim()) + " to " +
                       std::to_string(in.ndim() - 1) + ", or None for the flattened data)");
      n = in[static_cast<int>(ax)];
      if (p.ret != TopKReturn::mask && p.k >= 1) out[static_cast<int>(ax)] = p.k;
    }
    if (n >= 0 && p.k > n)
      ShapeCtx::fail("k=" + std::to_string(p.k) + " but " + c.in_name(0) + " of shape " + in.str() + " has " +
                     std::to_string(n) + " entries " +
                     (p.axis ? "along axis " + std::to_string(*p.axis) : "in all") +
                     " (k must be at most that; k < 1 takes them all)");
    if (!p.axis && p.ret != TopKReturn::mask) out[0] = p.k >= 1 ? p.k : n;
    for (std::size_t j = 0; j < c.num_out(); ++j) c.assign_out(j, out);
  }
  void infer_type(TypeCtx& c) const override {
    const ordering_detail::Plan p = plan();
    const int ix = p.index_output();
    if (ix >= 0) c.assign_out(static_cast<std::size_t>(ix), p.dtype);
    if (ix != 0) {  // output 0 has the data's dtype
      if (c.in(0)) c.assign_out(0, *c.in(0));
      if (!c.in(0) && c.out(0)) c.assign_in(0, *c.out(0));
    }
  }
  bool differentiable(std::size_t) const override { return plan().differentiable(); }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    const ordering_detail::Plan p = plan();
    if (!p.differentiable()) return {NodeEntry{}};
    return {out_entry(
        grad_node(std::make_shared<TopKBackward>(p), n, "backward", {og[0], out_entry(n, 1), n->inputs[0]}))};
  }
  std::size_t workspace_bytes(const std::vector<Shape>& in, const std::vector<Shape>&, DType) const override {
    return static_cast<std::size_t>(ordering_detail::Geometry(in[0], plan()).n) * sizeof(std::int64_t);
  }
  void forward(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    const ordering_detail::Plan p = plan();
    const ordering_detail::Geometry g(in[0].shape(), p);
    auto* idx = static_cast<std::int64_t*>(ctx.workspace);
    const int ix = p.index_output();
    const bool mask = p.ret == TopKReturn::mask;
    if (mask && req[0] == OpReq::write) std::memset(out[0].raw_data(), 0, out[0].nbytes());
    dispatch_dtype(in[0].dtype(), [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      auto each_row = [&](auto&& write_row) {
        for (std::int64_t o = 0; o < g.outer; ++o)
          for (std::int64_t i = 0; i < g.inner; ++i) {
            const T* row = x + o * g.n * g.inner + i;
            ordering_detail::order_row(row, g.inner, g.n, g.k, p.is_ascend, idx);
            write_row(o, i);
          }
      };
      if (ix < 0 || p.ret == TopKReturn::indices) {
        // one output: the mask (data's dtype) or the positions (their own dtype)
        dispatch_dtype(out[0].dtype(), [&](auto to) {
          using O = decltype(to);
          O* y = out[0].data<O>();
          each_row([&](std::int64_t o, std::int64_t i) {
            for (std::int64_t j = 0; j < g.k; ++j) {
              if (mask)
                ordering_detail::put(y + (o * g.n + idx[j]) * g.inner + i, O(1), req[0]);
              else
                ordering_detail::put(y + (o * g.k + j) * g.inner + i, static_cast<O>(idx[j]), req[0]);
            }
          });
        });
        return;
      }
      T* v = out[0].data<T>();
      dispatch_dtype(out[1].dtype(), [&](auto to) {
        using O = decltype(to);
        O* y = out[1].data<O>();
        // the positions are always written: the gradient reads them
        const OpReq ri = req[1] == OpReq::add ? OpReq::add : OpReq::write;
        each_row([&](std::int64_t o, std::int64_t i) {
          for (std::int64_t j = 0; j < g.k; ++j) {
            const std::int64_t e = (o * g.k + j) * g.inner + i;
            ordering_detail::put(v + e, x[(o * g.n + idx[j]) * g.inner + i], req[0]);
            ordering_detail::put(y + e, static_cast<O>(idx[j]), ri);
          }
        });
      });
    });
  }

 protected:
  ordering_detail::Plan plan() const { return ordering_detail::plan_of(this->p_); }
};

class TopK final : public Ordering<TopKParam, "topk"> {
 public:
  ~TopK() override;  // the key function: vtable and kernels are compiled with the unit
  using Ordering::Ordering;
};
class Sort final : public Ordering<SortParam, "sort"> {
 public:
  ~Sort() override;  // the key function: vtable and kernels are compiled with the unit
  using Ordering::Ordering;
};
class ArgSort final : public Ordering<ArgSortParam, "argsort"> {
 public:
  ~ArgSort() override;  // the key function: vtable and kernels are compiled with the unit
  using Ordering::Ordering;
};

}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_ORDERING)
namespace SYMGRAD_NS::sym {
SYMGRAD_INLINE Symbol topk(const Symbol& data, const TopKOptions& o) {
  return compose(std::make_shared<ops::TopK>(o), {data}, o.name);
}
SYMGRAD_INLINE Symbol sort(const Symbol& data, const SortOptions& o) {
  return compose(std::make_shared<ops::Sort>(o), {data}, o.name);
}
SYMGRAD_INLINE Symbol argsort(const Symbol& data, const ArgSortOptions& o) {
  return compose(std::make_shared<ops::ArgSort>(o), {data}, o.name);
}
}  // namespace SYMGRAD_NS::sym
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_ordering(OpTable& t) {
  t["topk"] = reg::with_attrs<TopK>;
  t["sort"] = reg::with_attrs<Sort>;
  t["argsort"] = reg::with_attrs<ArgSort>;
}
// Key functions (see the classes above).
SYMGRAD_INLINE TopKBackward::~TopKBackward() = default;
SYMGRAD_INLINE TopK::~TopK() = default;
SYMGRAD_INLINE Sort::~Sort() = default;
SYMGRAD_INLINE ArgSort::~ArgSort() = default;
}  // namespace SYMGRAD_NS::ops
#endif
