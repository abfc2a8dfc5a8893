// Operators and kernels of ops/tile.hpp.
#pragma once
#include <algorithm>
#include <cstring>
#include <memory>
#include <span>
#include <utility>

#include "../cpu/strided.hpp"
#include "elemwise-inl.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "tile.hpp"

namespace SYMGRAD_NS::ops {
// The expanded iteration: a shape whose row-major order is the output's, and the input's
// stride along each of its dimensions.
struct Expansion {
  Shape out = Shape::unknown();
  Shape expanded = Shape::unknown();
  host::Strides in_strides;
  std::string error;
};

inline Expansion tile_expansion(const Shape& in, const std::vector<std::int64_t>& reps) {
  Expansion x;
  if (!in.rank_known()) return x;
  for (auto r : reps)
    if (r < 1) {
      x.error = "reps must be positive";
      return x;
    }
  int nd = std::max<int>(in.ndim(), static_cast<int>(reps.size()));
  if (nd > kMaxRank) {
    x.error = "reps has more than 8 entries";
    return x;
  }
  Shape din, out;
  host::Strides r(static_cast<std::size_t>(nd), 1);
  for (int d = 0; d < nd; ++d) {
    int id = d - (nd - in.ndim()), rd = d - (nd - static_cast<int>(reps.size()));
    din.push_back(id >= 0 ? in[id] : 1);
    r[d] = rd >= 0 ? reps[rd] : 1;
    out.push_back(din[d] < 0 ? dyn : mul_size(din[d], r[d]));
  }
  x.out = out;
  if (!din.known()) return x;
  auto cs = host::contiguous_strides(din);
  Shape e;
  int need = 0;
  for (int d = 0; d < nd; ++d) need += (r[d] > 1) + (din[d] > 1);
  if (need > kMaxRank) {
    x.error = "tiling a rank-" + std::to_string(nd) +
              " array along this many axes is not supported (more than 8 strided dims)";
    return x;
  }
  for (int d = 0; d < nd; ++d) {  // size-1 dims are left out: they change nothing
    if (r[d] > 1) e.push_back(r[d]), x.in_strides.push_back(0);
    if (din[d] > 1) e.push_back(din[d]), x.in_strides.push_back(cs[d]);
  }
  x.expanded = e;
  return x;
}

inline Expansion repeat_expansion(const Shape& in, std::int64_t repeats, std::int64_t axis) {
  Expansion x;
  if (!in.rank_known()) return x;
  if (repeats < 1) {
    x.error = "repeats must be positive";
    return x;
  }
  Shape src = in;
  int ax;
  if (axis == attr::kNone) {
    src = Shape{in.size()};
    ax = 0;
  } else {
    ax = static_cast<int>(axis < 0 ? axis + in.ndim() : axis);
    if (ax < 0 || ax >= in.ndim()) {
      x.error = "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(in.ndim());
      return x;
    }
  }
  Shape out = src;
  out[ax] = src[ax] < 0 ? dyn : mul_size(src[ax], repeats);
  x.out = out;
  if (!src.known()) return x;
  auto cs = host::contiguous_strides(src);
  Shape e;
  for (int d = 0; d < src.ndim(); ++d) {
    e.push_back(src[d]), x.in_strides.push_back(cs[d]);
    if (d == ax) e.push_back(repeats), x.in_strides.push_back(0);
  }
  x.expanded = e;
  return x;
}

struct TileParam {
  bool is_repeat = false;
  std::vector<std::int64_t> reps;  // tile
  std::int64_t repeats = 1;        // repeat
  std::int64_t axis = attr::kNone;
  Expansion expand(const Shape& in) const;
};
inline Expansion TileParam::expand(const Shape& in) const {
  return is_repeat ? repeat_expansion(in, repeats, axis) : tile_expansion(in, reps);
}

class TileBackward final : public Operator {
 public:
  ~TileBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit TileBackward(TileParam p) : p_(std::move(p)) {}
  std::string type_name() const override { return p_.is_repeat ? "_backward_repeat" : "_backward_tile"; }
  std::vector<std::string> arguments() const override { return {"ograd", "data"}; }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, c.in(1)); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    auto x = p_.expand(in[1].shape());
    if (req[0] == OpReq::write) std::memset(out[0].raw_data(), 0, out[0].nbytes());
    dispatch_float(
        out[0].dtype(), [this] { return type_name(); },
        [&](auto t) {
          using T = decltype(t);
          host::strided_accumulate<T>(x.expanded, out[0].data<T>(), x.in_strides, in[0].data<T>());
        });
  }

 private:
  TileParam p_;
};

class Tile final : public Operator {
 public:
  ~Tile() override;  // the key function: vtable and kernels are compiled with the unit
  explicit Tile(TileParam p) : p_(std::move(p)) {}
  std::string type_name() const override { return p_.is_repeat ? "repeat" : "tile"; }
  AttrMap attrs() const override {
    if (!p_.is_repeat) return {{"reps", attr::format(p_.reps)}};
    AttrMap m{{"repeats", attr::format(p_.repeats)}};
    if (p_.axis != attr::kNone) m["axis"] = attr::format(p_.axis);
    return m;
  }
  void infer_shape(ShapeCtx& c) const override {
    auto x = p_.expand(c.in(0));
    if (!x.error.empty())
      ShapeCtx::fail(type_name() + " of " + c.in_name(0) + " with shape " + c.in(0).str() + ": " + x.error);
    c.assign_out(0, x.out);
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    return {out_entry(grad_node(std::make_shared<TileBackward>(p_), n, "backward", {og[0], n->inputs[0]}))};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    auto x = p_.expand(in[0].shape());
    dispatch_dtype(in[0].dtype(), [&](auto t) {
      using T = decltype(t);
      host::strided_copy<T>(x.expanded, out[0].data<T>(), in[0].data<T>(), x.in_strides,
                            req[0] == OpReq::add);
    });
  }

 private:
  TileParam p_;
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_TILE)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol tile(const Symbol& data, std::vector<std::int64_t> reps, std::string_view name) {
  return compose(std::make_shared<ops::Tile>(ops::TileParam{false, std::move(reps), 1, attr::kNone}), {data},
                 name);
}
SYMGRAD_INLINE Symbol repeat(const Symbol& data, const RepeatOptions& o) {
  return compose(std::make_shared<ops::Tile>(ops::TileParam{true, {}, o.repeats, o.axis}), {data}, o.name);
}
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
namespace SYMGRAD_NS::ops::reg {
inline OpPtr tile(const AttrMap& m, std::size_t) {
  attr::Reader r("tile", m);
  TileParam p;
  if (!r.find("reps")) throw ValueError("tile: 'reps' is required");
  r.get("reps", p.reps);
  r.finish();
  return std::make_shared<Tile>(p);
}
inline OpPtr repeat(const AttrMap& m, std::size_t) {
  attr::Reader r("repeat", m);
  TileParam p;
  p.is_repeat = true;
  if (!r.find("repeats")) throw ValueError("repeat: 'repeats' is required");
  r.get("repeats", p.repeats);
  r.get_opt("axis", p.axis);
  r.finish();
  return std::make_shared<Tile>(p);
}
}  // namespace SYMGRAD_NS::ops::reg
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_TILE)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_tile(OpTable& t) {
  t["tile"] = reg::tile;
  t["repeat"] = reg::repeat;
}
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_TILE)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE TileBackward::~TileBackward() = default;
SYMGRAD_INLINE Tile::~Tile() = default;
}  // namespace SYMGRAD_NS::ops
#endif
