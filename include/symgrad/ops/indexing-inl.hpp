// Operators and kernels of ops/indexing.hpp.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <span>

#include "../cpu/strided.hpp"
#include "elemwise-inl.hpp"
#include "gpu_util.hpp"
#include "indexing.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "params.hpp"

namespace SYMGRAD_NS::ops {

template <>
inline constexpr auto param_fields<OneHotParam> = std::tuple{
    field("depth", &OneHotParam::depth).required().at_least(1), field("on_value", &OneHotParam::on_value),
    field("off_value", &OneHotParam::off_value), field("dtype", &OneHotParam::dtype)};
template <>
inline constexpr auto param_fields<ArgParam> =
    std::tuple{field("axis", &ArgParam::axis), field("keepdims", &ArgParam::keepdims)};
template <>
inline constexpr auto param_fields<PickParam> =
    std::tuple{field("axis", &PickParam::axis), field("keepdims", &PickParam::keepdims),
               field("mode", &PickParam::mode)};

class OneHot final : public Operator {
 public:
  ~OneHot() override;  // the key function: vtable and kernels are compiled with the unit
  explicit OneHot(OneHotParam p) : p_(std::move(p)) { check_params("one_hot", p_); }
  std::string type_name() const override { return "one_hot"; }
  std::vector<std::string> arguments() const override { return {"indices"}; }
  AttrMap attrs() const override { return write_params(p_); }
  void infer_shape(ShapeCtx& c) const override {
    if (!c.in(0).rank_known()) return;
    Shape out = c.in(0);
    out.push_back(p_.depth);
    c.assign_out(0, out);
  }
  void infer_type(TypeCtx& c) const override { c.assign_out(0, p_.dtype); }
  bool differentiable(std::size_t) const override { return false; }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    return {NodeEntry{}};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    dispatch_dtype(in[0].dtype(), [&](auto ti) {
      dispatch_dtype(out[0].dtype(), [&](auto to) {
        using I = decltype(ti);
        using O = decltype(to);
        const I* idx = in[0].data<I>();
        O* y = out[0].data<O>();
        const std::int64_t n = in[0].size();
        for (std::int64_t i = 0; i < n; ++i) {
          auto k = saturating_index(static_cast<double>(idx[i]));  // out of range: a row of off_value
          for (std::int64_t j = 0; j < p_.depth; ++j) {
            O v = static_cast<O>(j == k ? p_.on_value : p_.off_value);
            y[i * p_.depth + j] = req[0] == OpReq::add ? static_cast<O>(y[i * p_.depth + j] + v) : v;
          }
        }
      });
    });
  }

 private:
  OneHotParam p_;
};

class ArgExtreme final : public Operator {
 public:
  ~ArgExtreme() override;  // the key function: vtable and kernels are compiled with the unit
  ArgExtreme(ArgParam p, bool is_min) : p_(std::move(p)), is_min_(is_min) { check_params(type_name(), p_); }
  std::string type_name() const override { return is_min_ ? "argmin" : "argmax"; }
  AttrMap attrs() const override { return write_params(p_); }
  // (outer, n, inner) view of the reduced axis.
  static void geometry(const Shape& s, std::int64_t axis, std::int64_t& outer, std::int64_t& n,
                       std::int64_t& inner) {
    if (axis == attr::kNone) {
      outer = 1, n = s.size(), inner = 1;
      return;
    }
    int ax = static_cast<int>(axis < 0 ? axis + s.ndim() : axis);
    outer = 1, inner = 1, n = s[ax];
    for (int d = 0; d < ax; ++d) outer *= s[d];
    for (int d = ax + 1; d < s.ndim(); ++d) inner *= s[d];
  }
  void infer_shape(ShapeCtx& c) const override {
    const Shape& in = c.in(0);
    if (!in.rank_known()) return;
    if (p_.axis == attr::kNone) {
      Shape ones;
      for (int d = 0; d < in.ndim(); ++d) ones.push_back(1);
      c.assign_out(0, p_.keepdims && in.ndim() > 0 ? ones : Shape{1});
      return;
    }
    int ax = static_cast<int>(p_.axis < 0 ? p_.axis + in.ndim() : p_.axis);
    if (ax < 0 || ax >= in.ndim())
      ShapeCtx::fail("axis " + std::to_string(p_.axis) + " is out of range for " + c.in_name(0) +
                     " of shape " + in.str());
    Shape out;
    for (int d = 0; d < in.ndim(); ++d) {
      if (d != ax)
        out.push_back(in[d]);
      else if (p_.keepdims)
        out.push_back(1);
    }
    if (out.ndim() == 0) out.push_back(1);
    c.assign_out(0, out);
  }
  bool differentiable(std::size_t) const override { return false; }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    return {NodeEntry{}};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    std::int64_t outer, n, inner;
    geometry(in[0].shape(), p_.axis, outer, n, inner);
    dispatch_float(
        in[0].dtype(), [this] { return type_name(); },
        [&](auto t) {
          using T = decltype(t);
          const T* x = in[0].data<T>();
          T* y = out[0].data<T>();
          for (std::int64_t o = 0; o < outer; ++o)
            for (std::int64_t i = 0; i < inner; ++i) {
              const T* base = x + o * n * inner + i;
              std::int64_t best = 0;
              for (std::int64_t k = 1; k < n; ++k) {
                T v = base[k * inner], b = base[best * inner];
                if (is_min_ ? v < b : v > b) best = k;
              }
              T r = static_cast<T>(best);
              y[o * inner + i] = req[0] == OpReq::add ? y[o * inner + i] + r : r;
            }
        });
  }

 private:
  ArgParam p_;
  bool is_min_ = false;
};

// Position of pick's element along the axis, after clip/wrap.
inline std::int64_t pick_index(double v, std::int64_t n, bool wrap) {
  if (std::isnan(v)) throw KernelInputError{"index holds nan, which is not a position along the axis"};
  auto k = saturating_index(v);
  if (wrap) return ((k % n) + n) % n;
  return std::clamp<std::int64_t>(k, 0, n - 1);
}

class PickBackward final : public Operator {
 public:
  ~PickBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit PickBackward(PickParam p) : p_(std::move(p)) {}
  std::string type_name() const override { return "_backward_pick"; }
  std::vector<std::string> arguments() const override { return {"ograd", "data", "index"}; }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, c.in(1)); }
  void infer_type(TypeCtx& c) const override {
    if (c.in(0)) c.assign_out(0, *c.in(0));
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override;

 private:
  PickParam p_;
};

class Pick final : public Operator {
 public:
  ~Pick() override;  // the key function: vtable and kernels are compiled with the unit
  explicit Pick(PickParam p) : p_(std::move(p)) { check_params("pick", p_); }
  std::string type_name() const override { return "pick"; }
  std::vector<std::string> arguments() const override { return {"data", "index"}; }
  AttrMap attrs() const override { return write_params(p_); }
  void infer_shape(ShapeCtx& c) const override {
    const Shape& in = c.in(0);
    if (!in.rank_known()) return;
    int ax = static_cast<int>(p_.axis < 0 ? p_.axis + in.ndim() : p_.axis);
    if (ax < 0 || ax >= in.ndim())
      ShapeCtx::fail("axis " + std::to_string(p_.axis) + " is out of range for " + c.in_name(0) +
                     " of shape " + in.str());
    Shape out;
    for (int d = 0; d < in.ndim(); ++d) {
      if (d != ax)
        out.push_back(in[d]);
      else if (p_.keepdims)
        out.push_back(1);
    }
    if (out.ndim() == 0) out.push_back(1);
    c.assign_out(0, out);
    // The index has the output's shape, or the input's with the axis kept as 1.
    if (!c.in(1).rank_known() || c.in(1).ndim() == out.ndim())
      c.assign_in(1, out, "pick's output shape");
    else {
      Shape kept = in;
      kept[ax] = 1;
      c.assign_in(1, kept, "pick (the index keeps the axis as 1)");
    }
  }
  void infer_type(TypeCtx& c) const override {
    if (c.in(0)) c.assign_out(0, *c.in(0));
    if (c.out(0)) c.assign_in(0, *c.out(0));
    if (!c.in(1) && c.in(0)) c.assign_in(1, *c.in(0));
  }
  bool differentiable(std::size_t i) const override { return i == 0; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b =
        grad_node(std::make_shared<PickBackward>(p_), n, "backward", {og[0], n->inputs[0], n->inputs[1]});
    return {out_entry(b), NodeEntry{}};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    std::int64_t outer, n, inner;
    ArgExtreme::geometry(in[0].shape(), p_.axis, outer, n, inner);
    dispatch_dtype(in[1].dtype(), [&](auto ti) {
      dispatch_float(in[0].dtype(), "pick", [&](auto t) {
        using T = decltype(t);
        using I = decltype(ti);
        const T* x = in[0].data<T>();
        const I* idx = in[1].data<I>();
        T* y = out[0].data<T>();
        for (std::int64_t o = 0; o < outer; ++o)
          for (std::int64_t i = 0; i < inner; ++i) {
            std::int64_t k =
                pick_index(static_cast<double>(idx[o * inner + i]), n, (p_.mode == PickMode::wrap));
            T v = x[(o * n + k) * inner + i];
            y[o * inner + i] = req[0] == OpReq::add ? y[o * inner + i] + v : v;
          }
      });
    });
  }

 private:
  PickParam p_;
};

inline void PickBackward::forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
                                  std::span<const OpReq> req) const {
  if (req[0] == OpReq::null) return;
  std::int64_t outer, n, inner;
  ArgExtreme::geometry(in[1].shape(), p_.axis, outer, n, inner);
  if (req[0] == OpReq::write) std::memset(out[0].raw_data(), 0, out[0].nbytes());
  dispatch_dtype(in[2].dtype(), [&](auto ti) {
    dispatch_float(in[0].dtype(), "pick", [&](auto t) {
      using T = decltype(t);
      using I = decltype(ti);
      const T* g = in[0].data<T>();
      const I* idx = in[2].data<I>();
      T* dx = out[0].data<T>();
      for (std::int64_t o = 0; o < outer; ++o)
        for (std::int64_t i = 0; i < inner; ++i) {
          std::int64_t k =
              pick_index(static_cast<double>(idx[o * inner + i]), n, (p_.mode == PickMode::wrap));
          dx[(o * n + k) * inner + i] += g[o * inner + i];
        }
    });
  });
}

class WhereBackward final : public Operator {
 public:
  ~WhereBackward() override;  // the key function: vtable and kernels are compiled with the unit
  std::string type_name() const override { return "_backward_where"; }
  std::vector<std::string> arguments() const override { return {"ograd", "condition"}; }
  std::vector<std::string> outputs() const override { return {"x_grad", "y_grad"}; }
  void infer_shape(ShapeCtx& c) const override {
    c.assign_out(0, c.in(0));
    c.assign_out(1, c.in(0));
  }
  void infer_type(TypeCtx& c) const override {
    if (c.in(0)) c.assign_out(0, *c.in(0)), c.assign_out(1, *c.in(0));
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override;
};

class Where final : public Operator {
 public:
  ~Where() override;  // the key function: vtable and kernels are compiled with the unit
  std::string type_name() const override { return "where"; }
  std::vector<std::string> arguments() const override { return {"condition", "x", "y"}; }
  void infer_shape(ShapeCtx& c) const override {
    Shape s = merge(merge(c.in(1), c.in(2)).shape, c.out(0)).shape;
    if (!merge(c.in(1), c.in(2)).ok)
      ShapeCtx::fail(c.in_name(1) + " has shape " + c.in(1).str() + " but " + c.in_name(2) + " has shape " +
                     c.in(2).str() + "; where needs x and y of one shape");
    c.assign_in(1, s);
    c.assign_in(2, s);
    c.assign_out(0, s);
    const Shape& cond = c.in(0);
    if (cond.rank_known() && s.rank_known() &&
        !(cond.ndim() == 1 && s.ndim() >= 1 && (cond[0] == s[0] || cond[0] < 0 || s[0] < 0)) &&
        !merge(cond, s).ok)
      ShapeCtx::fail(c.in_name(0) + " has shape " + cond.str() + "; it must have x's shape " + s.str() +
                     " or be 1-D over x's first axis");
    if (!cond.rank_known()) c.assign_in(0, s);
  }
  void infer_type(TypeCtx& c) const override {
    std::optional<DType> t = c.in(1) ? c.in(1) : (c.in(2) ? c.in(2) : c.out(0));
    if (t) c.assign_in(1, *t), c.assign_in(2, *t), c.assign_out(0, *t);
    if (!c.in(0) && t) c.assign_in(0, *t);
  }
  bool differentiable(std::size_t i) const override { return i != 0; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    auto b = grad_node(std::make_shared<WhereBackward>(), n, "backward", {og[0], n->inputs[0]});
    return {NodeEntry{}, out_entry(b, 0), out_entry(b, 1)};
  }
  // Calls f(i, take_x) for every element, reading the condition per element or per row.
  template <class F>
  static void for_each(const NDArray& cond, std::int64_t n, F&& f) {
    std::int64_t per = cond.size() == n ? 1 : n / std::max<std::int64_t>(1, cond.size());
    dispatch_dtype(cond.dtype(), [&](auto tc) {
      const auto* c = cond.data<decltype(tc)>();
      for (std::int64_t i = 0; i < n; ++i) f(i, c[i / per] != 0);
    });
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    dispatch_dtype(out[0].dtype(), [&](auto t) {
      using T = decltype(t);
      const T *x = in[1].data<T>(), *y = in[2].data<T>();
      T* o = out[0].data<T>();
      for_each(in[0], out[0].size(), [&](std::int64_t i, bool take_x) {
        T v = take_x ? x[i] : y[i];
        o[i] = req[0] == OpReq::add ? static_cast<T>(o[i] + v) : v;
      });
    });
  }
};

inline void WhereBackward::forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
                                   std::span<const OpReq> req) const {
  dispatch_float(in[0].dtype(), "where", [&](auto t) {
    using T = decltype(t);
    const T* g = in[0].data<T>();
    T* dx = req[0] == OpReq::null ? nullptr : out[0].data<T>();
    T* dy = req[1] == OpReq::null ? nullptr : out[1].data<T>();
    Where::for_each(in[1], in[0].size(), [&](std::int64_t i, bool take_x) {
      T a = take_x ? g[i] : T(0), b = take_x ? T(0) : g[i];
      if (dx) dx[i] = req[0] == OpReq::add ? dx[i] + a : a;
      if (dy) dy[i] = req[1] == OpReq::add ? dy[i] + b : b;
    });
  });
}
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_INDEXING)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol one_hot(const Symbol& indices, const OneHotOptions& o) {
  return compose(std::make_shared<ops::OneHot>(o), {indices}, o.name);
}
SYMGRAD_INLINE Symbol argmax(const Symbol& data, const ArgOptions& o) {
  return compose(std::make_shared<ops::ArgExtreme>(o, false), {data}, o.name);
}
SYMGRAD_INLINE Symbol argmin(const Symbol& data, const ArgOptions& o) {
  return compose(std::make_shared<ops::ArgExtreme>(o, true), {data}, o.name);
}
SYMGRAD_INLINE Symbol pick(const Symbol& data, const Symbol& index, const PickOptions& o) {
  return compose(std::make_shared<ops::Pick>(o), {data, index}, o.name);
}
SYMGRAD_INLINE Symbol where(const Symbol& condition, const Symbol& x, const Symbol& y,
                            std::string_view name) {
  return compose(std::make_shared<ops::Where>(), {condition, x, y}, name);
}
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
namespace SYMGRAD_NS::ops::reg {
inline OpPtr one_hot(const AttrMap& m, std::size_t) {
  return std::make_shared<OneHot>(read_params<OneHotParam>("one_hot", m));
}
template <bool Min>
OpPtr arg_extreme(const AttrMap& m, std::size_t) {
  return std::make_shared<ArgExtreme>(read_params<ArgParam>(Min ? "argmin" : "argmax", m), Min);
}
inline OpPtr pick(const AttrMap& m, std::size_t) {
  return std::make_shared<Pick>(read_params<PickParam>("pick", m));
}
}  // namespace SYMGRAD_NS::ops::reg
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_INDEXING)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_indexing(OpTable& t) {
  t["one_hot"] = reg::one_hot;
  t["argmax"] = reg::arg_extreme<false>;
  t["argmin"] = reg::arg_extreme<true>;
  t["pick"] = reg::pick;
  t["where"] = reg::plain<Where>;
}
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_INDEXING)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE OneHot::~OneHot() = default;
SYMGRAD_INLINE ArgExtreme::~ArgExtreme() = default;
SYMGRAD_INLINE PickBackward::~PickBackward() = default;
SYMGRAD_INLINE Pick::~Pick() = default;
SYMGRAD_INLINE WhereBackward::~WhereBackward() = default;
SYMGRAD_INLINE Where::~Where() = default;
}  // namespace SYMGRAD_NS::ops
#endif
