// Operators and kernels of ops/take.hpp.
#pragma once
#include <cmath>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "op_table.hpp"
#include "operator.hpp"
#include "take.hpp"

namespace SYMGRAD_NS::ops {

namespace take_detail {
enum class Mode { clip, wrap, raise };
inline Mode mode_of(const std::string& s) {
  if (s == "clip") return Mode::clip;
  if (s == "wrap") return Mode::wrap;
  if (s == "raise") return Mode::raise;
  throw ValueError("take: mode must be clip, wrap or raise, got '" + s + "'");
}
// a as (outer, n, inner) around the axis.
struct Geometry {
  std::int64_t outer = 1, n = 1, inner = 1;
  Geometry(const Shape& a, int ax) {
    for (int d = 0; d < a.ndim(); ++d) (d < ax ? outer : d == ax ? n : inner) *= a[d];
  }
};
// f(m, j): j, the position along the axis of index m.
template <class F>
void each_index(const NDArray& idx, std::int64_t n, Mode mode, F&& f) {
  dispatch_dtype(idx.dtype(), [&](auto t) {
    using I = decltype(t);
    const I* p = idx.data<I>();
    for (std::int64_t m = 0; m < idx.size(); ++m) {
      const double v = static_cast<double>(p[m]);
      if (std::isnan(v)) throw KernelInputError{"indices holds nan at flat position " + std::to_string(m)};
      std::int64_t j = saturating_index(v);
      if (mode == Mode::clip) {
        j = j < 0 ? 0 : (j >= n ? n - 1 : j);
      } else if (mode == Mode::wrap) {
        j %= n;
        if (j < 0) j += n;
      } else {
        if (j < -n || j >= n)
          throw KernelInputError{"indices holds " + attr::format_number(v) + " at flat position " +
                                 std::to_string(m) + ", outside [" + std::to_string(-n) + ", " +
                                 std::to_string(n - 1) + "] (mode='raise'; 'clip' or 'wrap' accept it)"};
        if (j < 0) j += n;
      }
      f(m, j);
    }
  });
}
}  // namespace take_detail

// _backward_take(ograd, a, indices): ograd added into the taken slices.
class TakeBackward final : public Operator {
 public:
  ~TakeBackward() override;  // the key function: vtable and kernels are compiled with the unit
  TakeBackward(int axis, take_detail::Mode mode) : axis_(axis), mode_(mode) {}
  std::string type_name() const override { return "_backward_take"; }
  std::vector<std::string> arguments() const override { return {"ograd", "a", "indices"}; }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, c.in(1)); }
  void infer_type(TypeCtx& c) const override {
    if (c.in(1)) c.assign_out(0, *c.in(1));
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const int ax = axis_ < 0 ? axis_ + out[0].ndim() : axis_;
    const take_detail::Geometry g(out[0].shape(), ax);
    const std::int64_t M = in[2].size();
    if (req[0] == OpReq::write) std::memset(out[0].raw_data(), 0, out[0].nbytes());
    dispatch_float(out[0].dtype(), "take", [&](auto t) {
      using T = decltype(t);
      const T* dy = in[0].data<T>();
      T* dx = out[0].data<T>();
      take_detail::each_index(in[2], g.n, mode_, [&](std::int64_t m, std::int64_t j) {
        for (std::int64_t o = 0; o < g.outer; ++o) {
          T* d = dx + (o * g.n + j) * g.inner;
          const T* s = dy + (o * M + m) * g.inner;
          for (std::int64_t i = 0; i < g.inner; ++i) d[i] += s[i];
        }
      });
    });
  }

 private:
  int axis_;
  take_detail::Mode mode_;
};

class Take final : public Operator {
 public:
  ~Take() override;  // the key function: vtable and kernels are compiled with the unit
  Take(std::int64_t axis, std::string mode) : axis_(axis), mode_name_(std::move(mode)) {
    mode_ = take_detail::mode_of(mode_name_);
  }
  std::string type_name() const override { return "take"; }
  std::vector<std::string> arguments() const override { return {"a", "indices"}; }
  AttrMap attrs() const override {
    AttrMap m;
    if (axis_ != 0) m["axis"] = attr::format(axis_);
    if (mode_ != take_detail::Mode::clip) m["mode"] = mode_name_;
    return m;
  }
  void infer_shape(ShapeCtx& c) const override {
    const Shape &a = c.in(0), &idx = c.in(1);
    if (!a.rank_known() || !idx.rank_known()) return;
    const int ax = axis_of(a, c);
    if (a.ndim() - 1 + idx.ndim() > kMaxRank)
      ShapeCtx::fail("the output would have rank " + std::to_string(a.ndim() - 1 + idx.ndim()) +
                     "; at most 8 dimensions are supported");
    if (a[ax] == 0) ShapeCtx::fail(c.in_name(0) + " has no entries along axis " + std::to_string(axis_));
    Shape out;
    for (int d = 0; d < ax; ++d) out.push_back(a[d]);
    for (int d = 0; d < idx.ndim(); ++d) out.push_back(idx[d]);
    for (int d = ax + 1; d < a.ndim(); ++d) out.push_back(a[d]);
    c.assign_out(0, out);
  }
  void infer_type(TypeCtx& c) const override {
    if (c.in(0)) c.assign_out(0, *c.in(0));
    if (!c.in(0) && c.out(0)) c.assign_in(0, *c.out(0));
    if (!c.in(1) && c.in(0)) c.assign_in(1, *c.in(0));
  }
  bool differentiable(std::size_t i) const override { return i == 0; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    // the axis is normalised against the data's rank when it runs
    auto b = grad_node(std::make_shared<TakeBackward>(static_cast<int>(axis_), mode_), n, "backward",
                       {og[0], n->inputs[0], n->inputs[1]});
    return {out_entry(b), NodeEntry{}};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const int ax = static_cast<int>(axis_ < 0 ? axis_ + in[0].ndim() : axis_);
    const take_detail::Geometry g(in[0].shape(), ax);
    const std::int64_t M = in[1].size();
    const bool add = req[0] == OpReq::add;
    dispatch_dtype(in[0].dtype(), [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      T* y = out[0].data<T>();
      take_detail::each_index(in[1], g.n, mode_, [&](std::int64_t m, std::int64_t j) {
        for (std::int64_t o = 0; o < g.outer; ++o) {
          const T* s = x + (o * g.n + j) * g.inner;
          T* d = y + (o * M + m) * g.inner;
          for (std::int64_t i = 0; i < g.inner; ++i) d[i] = add ? static_cast<T>(d[i] + s[i]) : s[i];
        }
      });
    });
  }

 private:
  int axis_of(const Shape& a, ShapeCtx& c) const {
    const std::int64_t d = axis_ < 0 ? axis_ + a.ndim() : axis_;
    if (d < 0 || d >= a.ndim())
      ShapeCtx::fail("axis " + std::to_string(axis_) + " is out of range for " + c.in_name(0) + " of shape " +
                     a.str() + " (valid: -" + std::to_string(a.ndim()) + " to " +
                     std::to_string(a.ndim() - 1) + ")");
    return static_cast<int>(d);
  }
  std::int64_t axis_;
  std::string mode_name_;
  take_detail::Mode mode_;
};

namespace reg {
inline OpPtr take(const AttrMap& m, std::size_t) {
  attr::Reader r("take", m);
  std::int64_t axis = 0;
  std::string mode = "clip";
  r.get("axis", axis);
  r.get("mode", mode);
  r.finish();
  return std::make_shared<Take>(axis, std::string(attr::trim(mode)));
}
}  // namespace reg
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_TAKE)
namespace SYMGRAD_NS::sym {
SYMGRAD_INLINE Symbol take(const Symbol& a, const Symbol& indices, const TakeOptions& o) {
  return compose(std::make_shared<ops::Take>(o.axis, o.mode), {a, indices}, o.name);
}
}  // namespace SYMGRAD_NS::sym
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_take(OpTable& t) { t["take"] = reg::take; }
// Key functions (see the classes above).
SYMGRAD_INLINE TakeBackward::~TakeBackward() = default;
SYMGRAD_INLINE Take::~Take() = default;
}  // namespace SYMGRAD_NS::ops
#endif
