// Operators and kernels of ops/pad.hpp.
#pragma once
#include <algorithm>
#include <array>
#include <memory>
#include <span>

#include "../cpu/parallel.hpp"
#include "../symbol/compose.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "pad.hpp"

namespace SYMGRAD_NS::ops {

namespace pad_detail {
inline std::string mode_name(PadMode m) {
  return m == PadMode::constant ? "constant" : m == PadMode::edge ? "edge" : "reflect";
}
inline PadMode parse_mode(const std::string& s) {
  if (s == "constant") return PadMode::constant;
  if (s == "edge") return PadMode::edge;
  if (s == "reflect") return PadMode::reflect;
  throw ValueError("Pad: mode must be 'constant', 'edge' or 'reflect', got '" + s + "'");
}
// The source index along an axis of size n for output index o (before = the leading width);
// -1 for a constant pad.
inline std::int64_t source(PadMode m, std::int64_t o, std::int64_t before, std::int64_t n) {
  const std::int64_t i = o - before;
  if (i >= 0 && i < n) return i;
  if (m == PadMode::constant) return -1;
  if (m == PadMode::edge) return i < 0 ? 0 : n - 1;
  return i < 0 ? -i : 2 * (n - 1) - i;
}
// (planes, d, h, w) sizes of data and output; 4-D data has d = 1
struct Geo {
  std::int64_t planes = 1;
  std::array<std::int64_t, 3> in{1, 1, 1}, out{1, 1, 1}, before{0, 0, 0};
};
inline Geo geometry(const Shape& data, const PadWidth& pw) {
  Geo g;
  g.planes = data[0] * data[1];
  const int nd = data.ndim(), off = 5 - nd;
  for (int i = 2; i < nd; ++i) {
    const auto j = static_cast<std::size_t>(i - 2 + off);
    g.in[j] = data[i];
    g.before[j] = pw[2 * i];
    g.out[j] = data[i] + pw[2 * i] + pw[2 * i + 1];
  }
  return g;
}
// Calls f(output offset, input offset or -1) for every element of one plane.
template <class F>
void for_each(const Geo& g, PadMode m, F&& f) {
  std::int64_t o = 0;
  for (std::int64_t a = 0; a < g.out[0]; ++a) {
    const std::int64_t sa = source(m, a, g.before[0], g.in[0]);
    for (std::int64_t b = 0; b < g.out[1]; ++b) {
      const std::int64_t sb = source(m, b, g.before[1], g.in[1]);
      for (std::int64_t c = 0; c < g.out[2]; ++c, ++o) {
        const std::int64_t sc = source(m, c, g.before[2], g.in[2]);
        f(o, sa < 0 || sb < 0 || sc < 0 ? std::int64_t(-1) : (sa * g.in[1] + sb) * g.in[2] + sc);
      }
    }
  }
}
}  // namespace pad_detail

class PadBackward final : public Operator {
 public:
  ~PadBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit PadBackward(PadParam p) : p_(p) {}
  std::string type_name() const override { return "_backward_Pad"; }
  std::vector<std::string> arguments() const override { return {"ograd", "data"}; }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, c.in(1)); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const auto g = pad_detail::geometry(in[1].shape(), p_.pad_width);
    dispatch_float(in[0].dtype(), "Pad", [&](auto t) {
      using T = decltype(t);
      const T* dy = in[0].data<T>();
      T* dx = out[0].data<T>();
      if (req[0] == OpReq::write) std::fill_n(dx, in[1].size(), T(0));
      const std::int64_t IS = g.in[0] * g.in[1] * g.in[2], OS = g.out[0] * g.out[1] * g.out[2];
      host::ThreadPool::instance().run(static_cast<std::size_t>(g.planes), [&](std::size_t pl) {
        const T* dyp = dy + std::int64_t(pl) * OS;
        T* dxp = dx + std::int64_t(pl) * IS;
        pad_detail::for_each(g, p_.mode, [&](std::int64_t o, std::int64_t i) {
          if (i >= 0) dxp[i] += dyp[o];
        });
      });
    });
  }

 private:
  PadParam p_;
};

class Pad final : public Operator {
 public:
  ~Pad() override;  // the key function: vtable and kernels are compiled with the unit
  explicit Pad(PadParam p) : p_(p) { check(); }
  explicit Pad(const AttrMap& m) {
    attr::Reader r("Pad", m);
    std::string mode;
    std::vector<std::int64_t> pw;
    if (!r.find("mode"))
      throw ValueError("Pad: the required attribute 'mode' is missing (constant, edge or reflect)");
    if (!r.find("pad_width")) throw ValueError("Pad: the required attribute 'pad_width' is missing");
    r.get("mode", mode);
    r.get("pad_width", pw);
    r.get("constant_value", p_.constant_value);
    r.finish();
    p_.mode = pad_detail::parse_mode(mode);
    p_.pad_width = PadWidth::from(pw);
    check();
  }
  const PadParam& param() const { return p_; }
  std::string type_name() const override { return "Pad"; }
  AttrMap attrs() const override {
    AttrMap m{{"mode", pad_detail::mode_name(p_.mode)}, {"pad_width", attr::format(p_.pad_width.vec())}};
    if (p_.constant_value != 0) m["constant_value"] = attr::format(p_.constant_value);
    return m;
  }
  void infer_shape(ShapeCtx& c) const override {
    auto r = pad_rule(c.in(0), p_);
    if (r.error)
      ShapeCtx::fail(c.in_name(0) + " " + c.in(0).str() + " with mode=" + pad_detail::mode_name(p_.mode) +
                     ", pad_width=" + attr::format(p_.pad_width.vec()) + ": " + r.error);
    c.assign_out(0, r.out);
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    return {out_entry(grad_node(std::make_shared<PadBackward>(p_), n, "backward", {og[0], n->inputs[0]}))};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const auto g = pad_detail::geometry(in[0].shape(), p_.pad_width);
    dispatch_float(in[0].dtype(), "Pad", [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      T* y = out[0].data<T>();
      const T fill = T(p_.constant_value);
      const bool add = req[0] == OpReq::add;
      const std::int64_t IS = g.in[0] * g.in[1] * g.in[2], OS = g.out[0] * g.out[1] * g.out[2];
      host::ThreadPool::instance().run(static_cast<std::size_t>(g.planes), [&](std::size_t pl) {
        const T* xp = x + std::int64_t(pl) * IS;
        T* yp = y + std::int64_t(pl) * OS;
        pad_detail::for_each(g, p_.mode, [&](std::int64_t o, std::int64_t i) {
          const T v = i >= 0 ? xp[i] : fill;
          yp[o] = add ? T(yp[o] + v) : v;
        });
      });
    });
  }

 private:
  void check() const {
    if (p_.pad_width.n == 0)
      throw ValueError(
          "Pad: pad_width is required, e.g. pad_width=(0, 0, 0, 0, 1, 1, 1, 1) pads H and W of 4-D data by "
          "1");
    for (int i = 0; i < p_.pad_width.n; ++i)
      if (p_.pad_width[i] < 0)
        throw ValueError("Pad: pad_width values must not be negative, got " +
                         attr::format(p_.pad_width.vec()));
  }
  PadParam p_;
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_PAD)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE PadMode parse_pad_mode(const std::string& s) { return pad_detail::parse_mode(s); }
}  // namespace SYMGRAD_NS::ops
#endif

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_PAD)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol pad(const Symbol& data, const PadOptions& o) {
  ops::PadParam p{ops::pad_detail::parse_mode(o.mode), ops::PadWidth::from(o.pad_width), o.constant_value};
  return compose(std::make_shared<ops::Pad>(p), {data}, o.name);
}
SYMGRAD_INLINE Symbol Pad(const Symbol& data, const PadOptions& o) { return pad(data, o); }
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_PAD)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_pad(OpTable& t) {
  t["Pad"] = reg::with_attrs<Pad>;
  t["pad"] = reg::with_attrs<Pad>;
}
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_PAD)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE PadBackward::~PadBackward() = default;
SYMGRAD_INLINE Pad::~Pad() = default;
}  // namespace SYMGRAD_NS::ops
#endif
