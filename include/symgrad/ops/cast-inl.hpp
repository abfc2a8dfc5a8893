// Operators and kernels of ops/cast.hpp.
#pragma once
#include <cmath>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <type_traits>

#include "cast.hpp"
#include "op_table.hpp"
#include "operator.hpp"

namespace SYMGRAD_NS::ops {

// One value converted; floats going to an integer type saturate (NaN gives 0). float16 goes
// through float, which holds every float16 value exactly.
template <class O, class I>
O cast_value(I v) {
  if constexpr (std::is_same_v<I, Half> && std::is_same_v<O, Half>) {
    return v;
  } else if constexpr (std::is_same_v<I, Half>) {
    return cast_value<O>(static_cast<float>(v));
  } else {
    if constexpr (std::is_floating_point_v<I> && std::is_integral_v<O>) {
      if (std::isnan(v)) return O(0);
      if (v <= static_cast<I>(std::numeric_limits<O>::lowest())) return std::numeric_limits<O>::lowest();
      if (v >= static_cast<I>(std::numeric_limits<O>::max())) return std::numeric_limits<O>::max();
    }
    return static_cast<O>(v);
  }
}

// out = in converted to out's dtype (or += as req says; a float16 sum is rounded once, from float).
inline void cast_into(const NDArray& in, const NDArray& out, OpReq req) {
  if (req == OpReq::null) return;
  dispatch_storage(in.dtype(), [&](auto ti) {
    dispatch_storage(out.dtype(), [&](auto to) {
      using I = decltype(ti);
      using O = decltype(to);
      const I* x = in.data<I>();
      O* y = out.data<O>();
      const std::int64_t n = out.size();
      if (req != OpReq::add)
        for (std::int64_t i = 0; i < n; ++i) y[i] = cast_value<O>(x[i]);
      else if constexpr (std::is_same_v<O, Half>)
        for (std::int64_t i = 0; i < n; ++i) y[i] = Half(static_cast<float>(y[i]) + cast_value<float>(x[i]));
      else
        for (std::int64_t i = 0; i < n; ++i) y[i] = static_cast<O>(y[i] + cast_value<O>(x[i]));
    });
  });
}

// _backward_Cast(ograd, data): ograd converted to the data's dtype.
class CastBackward final : public Operator {
 public:
  ~CastBackward() override;  // the key function: vtable and kernels are compiled with the unit
  std::string type_name() const override { return "_backward_Cast"; }
  std::vector<std::string> arguments() const override { return {"ograd", "data"}; }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, c.in(1)); }
  void infer_type(TypeCtx& c) const override {
    if (c.in(1)) c.assign_out(0, *c.in(1));
  }
  bool takes_float16() const override { return true; }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    cast_into(in[0], out[0], req[0]);
  }
};

class Cast final : public Operator {
 public:
  ~Cast() override;  // the key function: vtable and kernels are compiled with the unit
  explicit Cast(DType t) : dtype_(t) {}
  explicit Cast(const AttrMap& m) {
    attr::Reader r("Cast", m);
    const std::string* s = r.find("dtype");
    if (!s)
      throw ValueError(
          "Cast: the attribute dtype is required (float32, float64, float16, uint8, int32, int64)");
    try {
      dtype_ = dtype_from_name(attr::trim(*s));
    } catch (const Error&) {
      attr::bad("Cast", "dtype", *s, "a dtype name (float32, float64, float16, uint8, int32, int64)");
    }
    r.finish();
  }
  std::string type_name() const override { return "Cast"; }
  AttrMap attrs() const override { return {{"dtype", std::string(dtype_name(dtype_))}}; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  void infer_type(TypeCtx& c) const override { c.assign_out(0, dtype_); }
  bool takes_float16() const override { return true; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    return {out_entry(grad_node(std::make_shared<CastBackward>(), n, "backward", {og[0], n->inputs[0]}))};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    cast_into(in[0], out[0], req[0]);
  }

 private:
  DType dtype_ = DType::float32;
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_CAST)
namespace SYMGRAD_NS::sym {
SYMGRAD_INLINE Symbol cast(const Symbol& data, DType dtype, std::string_view name) {
  return compose(std::make_shared<ops::Cast>(dtype), {data}, name);
}
SYMGRAD_INLINE Symbol Cast(const Symbol& data, DType dtype, std::string_view name) {
  return cast(data, dtype, name);
}
}  // namespace SYMGRAD_NS::sym
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_cast(OpTable& t) {
  t["Cast"] = reg::with_attrs<Cast>;
  t["cast"] = reg::with_attrs<Cast>;
}
// Key functions (see the classes above).
SYMGRAD_INLINE CastBackward::~CastBackward() = default;
SYMGRAD_INLINE Cast::~Cast() = default;
}  // namespace SYMGRAD_NS::ops
#endif
