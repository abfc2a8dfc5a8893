// Operators and kernels of ops/cast.hpp.
#pragma once
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../symbol/graph.hpp"
#include "cast.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "params.hpp"

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

// _backward_Cast(ograd, data) (and _backward_amp_cast): ograd converted to the data's dtype.
class CastBackward final : public Operator {
 public:
  ~CastBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit CastBackward(std::string type = "_backward_Cast") : type_(std::move(type)) {}
  std::string type_name() const override { return type_; }
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

 private:
  std::string type_;
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
  DType dtype() const { return dtype_; }

 private:
  DType dtype_ = DType::float32;
};

// The dtypes AMP's casts convert (MXNet's also convert bfloat16, which symgrad does not have).
inline bool amp_float(std::optional<DType> t) { return t == DType::float32 || t == DType::float16; }

inline DType amp_dtype_attr(const char* op, const AttrMap& m) {
  attr::Reader r(op, m);
  const std::string* s = r.find("dtype");
  if (!s)
    throw ValueError(std::string(op) +
                     ": the attribute dtype is required (float32, float64, float16, uint8, int32, int64)");
  DType t = DType::float32;
  try {
    t = dtype_from_name(attr::trim(*s));
  } catch (const Error&) {
    attr::bad(op, "dtype", *s, "a dtype name (float32, float64, float16, uint8, int32, int64)");
  }
  r.finish();
  return t;
}

class AmpCast final : public Operator {
 public:
  ~AmpCast() override;  // the key function: vtable and kernels are compiled with the unit
  explicit AmpCast(DType t) : dtype_(t) {}
  explicit AmpCast(const AttrMap& m) : dtype_(amp_dtype_attr("amp_cast", m)) {}
  std::string type_name() const override { return "amp_cast"; }
  AttrMap attrs() const override { return {{"dtype", std::string(dtype_name(dtype_))}}; }
  void infer_shape(ShapeCtx& c) const override { same_shape_rule(c); }
  void infer_type(TypeCtx& c) const override {
    if (c.in(0)) c.assign_out(0, amp_float(c.in(0)) ? dtype_ : *c.in(0));
  }
  bool takes_float16() const override { return true; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    return {out_entry(grad_node(std::make_shared<CastBackward>("_backward_amp_cast"), n, "backward",
                                {og[0], n->inputs[0]}))};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    cast_into(in[0], out[0], req[0]);
  }
  DType dtype() const { return dtype_; }

 private:
  DType dtype_ = DType::float32;
};

template <>
inline constexpr auto param_fields<AmpMultiCastParam> =
    std::tuple{field("num_outputs", &AmpMultiCastParam::num_outputs).required().at_least(1),
               field("cast_narrow", &AmpMultiCastParam::cast_narrow)};

// _backward_amp_multicast(ograd_0 .. ograd_{n-1}, data_0 .. data_{n-1}): ograd_i converted to
// data_i's dtype.
class AmpMultiCastBackward final : public Operator {
 public:
  ~AmpMultiCastBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit AmpMultiCastBackward(std::size_t n) : n_(n) {}
  std::string type_name() const override { return "_backward_amp_multicast"; }
  std::vector<std::string> arguments() const override {
    std::vector<std::string> a;
    for (std::size_t i = 0; i < n_; ++i) a.push_back("ograd_" + std::to_string(i));
    for (std::size_t i = 0; i < n_; ++i) a.push_back("data_" + std::to_string(i));
    return a;
  }
  std::vector<std::string> outputs() const override {
    std::vector<std::string> o;
    for (std::size_t i = 0; i < n_; ++i) o.push_back("output" + std::to_string(i));
    return o;
  }
  void infer_shape(ShapeCtx& c) const override {
    for (std::size_t i = 0; i < n_; ++i) c.assign_out(i, c.in(n_ + i));
  }
  void infer_type(TypeCtx& c) const override {
    for (std::size_t i = 0; i < n_; ++i)
      if (c.in(n_ + i)) c.assign_out(i, *c.in(n_ + i));
  }
  bool takes_float16() const override { return true; }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    for (std::size_t i = 0; i < n_; ++i) cast_into(in[i], out[i], req[i]);
  }

 private:
  std::size_t n_;
};

class AmpMultiCast final : public Operator {
 public:
  ~AmpMultiCast() override;  // the key function: vtable and kernels are compiled with the unit
  explicit AmpMultiCast(AmpMultiCastParam p) : p_(std::move(p)) { check_params("amp_multicast", p_); }
  std::string type_name() const override { return "amp_multicast"; }
  std::vector<std::string> arguments() const override {
    std::vector<std::string> a;
    for (std::int64_t i = 0; i < p_.num_outputs; ++i) a.push_back("data_" + std::to_string(i));
    return a;
  }
  std::vector<std::string> outputs() const override {
    std::vector<std::string> o;
    for (std::int64_t i = 0; i < p_.num_outputs; ++i) o.push_back("output" + std::to_string(i));
    return o;
  }
  AttrMap attrs() const override { return write_params(p_); }
  void infer_shape(ShapeCtx& c) const override {
    for (std::size_t i = 0; i < c.num_in(); ++i) {
      c.assign_out(i, c.in(i));
      c.assign_in(i, c.out(i));
    }
  }
  void infer_type(TypeCtx& c) const override {
    // MXNet 1.9.1's rule, observed on every combination of float16/32/64 and int32 inputs.
    std::optional<DType> target = p_.cast_narrow ? std::optional<DType>(DType::float32) : c.in(0);
    for (std::size_t i = 0; i < c.num_in(); ++i) {
      if (!p_.cast_narrow && (c.in(i) == DType::float32 || c.out(i) == DType::float32))
        target = DType::float32;
      if (p_.cast_narrow && (c.in(i) == DType::float16 || c.out(i) == DType::float16))
        target = DType::float16;
    }
    for (std::size_t i = 0; i < c.num_in(); ++i) {
      if (amp_float(c.in(i))) {
        if (target) c.assign_out(i, *target);
      } else if (c.in(i)) {
        c.assign_out(i, *c.in(i));
      }
    }
  }
  bool takes_float16() const override { return true; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    std::vector<NodeEntry> ins = og;
    ins.insert(ins.end(), n->inputs.begin(), n->inputs.end());
    auto b = grad_node(std::make_shared<AmpMultiCastBackward>(og.size()), n, "backward", std::move(ins));
    std::vector<NodeEntry> g;
    for (std::size_t i = 0; i < og.size(); ++i) g.push_back(out_entry(b, static_cast<std::uint32_t>(i)));
    return g;
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    for (std::size_t i = 0; i < in.size(); ++i) cast_into(in[i], out[i], req[i]);
  }
  const AmpMultiCastParam& param() const { return p_; }

 private:
  AmpMultiCastParam p_;
};

namespace reg {
inline OpPtr amp_multicast(const AttrMap& m, std::size_t n) {
  auto p = read_params<AmpMultiCastParam>("amp_multicast", m);
  if (p.num_outputs != static_cast<std::int64_t>(n))
    throw ValueError("amp_multicast: num_outputs=" + std::to_string(p.num_outputs) + " but the node has " +
                     std::to_string(n) + " inputs; num_outputs must equal the number of inputs");
  return std::make_shared<AmpMultiCast>(p);
}
}  // namespace reg
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_CAST)
namespace SYMGRAD_NS::sym {
SYMGRAD_INLINE Symbol cast(const Symbol& data, DType dtype, std::string_view name) {
  return compose(std::make_shared<ops::Cast>(dtype), {data}, name);
}
SYMGRAD_INLINE Symbol Cast(const Symbol& data, DType dtype, std::string_view name) {
  return cast(data, dtype, name);
}
SYMGRAD_INLINE Symbol amp_cast(const Symbol& data, DType dtype, std::string_view name) {
  return compose(std::make_shared<ops::AmpCast>(dtype), {data}, name);
}
SYMGRAD_INLINE Symbol amp_multicast(const std::vector<Symbol>& data, const AmpMultiCastOptions& o) {
  if (data.empty()) throw ValueError("amp_multicast: give at least one input");
  AmpMultiCastOptions p = o;
  p.num_outputs = static_cast<std::int64_t>(data.size());
  return compose(std::make_shared<ops::AmpMultiCast>(p), data, p.name);
}
}  // namespace SYMGRAD_NS::sym
namespace SYMGRAD_NS::amp {
SYMGRAD_INLINE Symbol to_float32(const Symbol& sym) {
  // A copy of every node, inputs pointing at the copies, the casts to float16 retargeted.
  std::unordered_map<const Node*, NodePtr> copies;
  for (Node* n : topo_order(sym.entries())) {
    auto c = std::make_shared<Node>();
    c->op = n->op;
    c->name = n->name;
    c->attrs = n->attrs;
    c->op_attrs = n->op_attrs;
    c->fusion = n->fusion;
    for (const auto& e : n->inputs) c->inputs.push_back({copies.at(e.node.get()), e.index});
    if (auto* a = dynamic_cast<const ops::AmpCast*>(n->op.get()); a && a->dtype() == DType::float16) {
      c->op = std::make_shared<ops::AmpCast>(DType::float32);
      if (c->op_attrs.count("dtype")) c->op_attrs["dtype"] = "float32";
    } else if (auto* k = dynamic_cast<const ops::Cast*>(n->op.get()); k && k->dtype() == DType::float16) {
      c->op = std::make_shared<ops::Cast>(DType::float32);
      if (c->op_attrs.count("dtype")) c->op_attrs["dtype"] = "float32";
    } else if (auto* m = dynamic_cast<const ops::AmpMultiCast*>(n->op.get()); m && m->param().cast_narrow) {
      ops::AmpMultiCastParam p = m->param();
      p.cast_narrow = false;
      c->op = std::make_shared<ops::AmpMultiCast>(p);
      if (c->op_attrs.count("cast_narrow")) c->op_attrs["cast_narrow"] = "False";
    }
    if (auto d = c->attrs.find("__dtype__"); n->is_variable() && d != c->attrs.end() && d->second == "2")
      d->second = "0";
    copies[n] = c;
  }
  std::vector<NodeEntry> heads;
  for (const auto& e : sym.entries()) heads.push_back({copies.at(e.node.get()), e.index});
  return Symbol(std::move(heads));
}
}  // namespace SYMGRAD_NS::amp
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_cast(OpTable& t) {
  t["Cast"] = reg::with_attrs<Cast>;
  t["cast"] = reg::with_attrs<Cast>;
  t["amp_cast"] = reg::with_attrs<AmpCast>;
  t["amp_multicast"] = reg::amp_multicast;
}
// Key functions (see the classes above).
SYMGRAD_INLINE CastBackward::~CastBackward() = default;
SYMGRAD_INLINE Cast::~Cast() = default;
SYMGRAD_INLINE AmpCast::~AmpCast() = default;
SYMGRAD_INLINE AmpMultiCastBackward::~AmpMultiCastBackward() = default;
SYMGRAD_INLINE AmpMultiCast::~AmpMultiCast() = default;
}  // namespace SYMGRAD_NS::ops
#endif
