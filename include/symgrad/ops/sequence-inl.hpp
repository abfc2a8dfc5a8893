// Operators and kernels of ops/sequence.hpp.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <span>
#include <string>

#include "op_table.hpp"
#include "operator.hpp"
#include "sequence.hpp"

namespace SYMGRAD_NS::ops {

namespace seq {
enum class Kind { mask, last, reverse };
inline const char* kind_name(Kind k) {
  return k == Kind::mask ? "SequenceMask" : k == Kind::last ? "SequenceLast" : "SequenceReverse";
}
// The data as (T, N, R) for axis 0 or (N, T, R) for axis 1: the element (t, n, r) is at
// at(t, n) + r.
struct Layout {
  std::int64_t T = 0, N = 0, R = 1;
  int axis = 0;
  Layout(const Shape& s, int ax) : axis(ax) {
    T = s[ax], N = s[1 - ax];
    for (int d = 2; d < s.ndim(); ++d) R *= s[d];
  }
  std::int64_t at(std::int64_t t, std::int64_t n) const { return (axis == 0 ? t * N + n : n * T + t) * R; }
};
// Calls f(len) with len(n), the length of sequence n (T without lengths), checked to lie in
// [lo, T] unless `clamp` (then limited to [0, T]).
template <class F>
void with_lengths(Kind k, const NDArray* lengths, const Layout& l, std::int64_t lo, bool clamp, F&& f) {
  if (!lengths) return f([&](std::int64_t) { return l.T; });
  dispatch_dtype(lengths->dtype(), [&](auto t) {
    using L = decltype(t);
    const L* p = lengths->data<L>();
    for (std::int64_t n = 0; n < l.N; ++n) {
      const std::int64_t v = saturating_index(static_cast<double>(p[n]));
      if (!clamp && (v < lo || v > l.T))
        throw KernelInputError{"sequence_length holds " + attr::format_number(static_cast<double>(p[n])) +
                               " for sequence " + std::to_string(n) + ", outside [" + std::to_string(lo) +
                               ", " + std::to_string(l.T) + "] (" + kind_name(k) + " over " +
                               std::to_string(l.T) + " steps)"};
    }
    f([&](std::int64_t n) {
      return std::clamp<std::int64_t>(saturating_index(static_cast<double>(p[n])), 0, l.T);
    });
  });
}
}  // namespace seq

// _backward_SequenceMask(ograd[, sequence_length]) and _backward_SequenceLast(ograd, data[,
// sequence_length]): the data's gradient.
class SequenceBackward final : public Operator {
 public:
  ~SequenceBackward() override;  // the key function: vtable and kernels are compiled with the unit
  SequenceBackward(seq::Kind k, bool use_len, int axis) : kind_(k), use_len_(use_len), axis_(axis) {}
  std::string type_name() const override { return std::string("_backward_") + seq::kind_name(kind_); }
  std::vector<std::string> arguments() const override {
    std::vector<std::string> a{"ograd"};
    if (kind_ == seq::Kind::last) a.push_back("data");
    if (use_len_) a.push_back("sequence_length");
    return a;
  }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, c.in(kind_ == seq::Kind::last ? 1 : 0)); }
  void infer_type(TypeCtx& c) const override {
    if (c.in(0)) c.assign_out(0, *c.in(0));
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const NDArray& dx = out[0];
    const seq::Layout l(dx.shape(), axis_);
    const NDArray* lengths = use_len_ ? &in[in.size() - 1] : nullptr;
    if (req[0] == OpReq::write) std::memset(dx.raw_data(), 0, dx.nbytes());
    dispatch_float(
        dx.dtype(), [this] { return type_name(); },
        [&](auto t) {
          using T = decltype(t);
          const T* g = in[0].data<T>();
          T* d = dx.data<T>();
          seq::with_lengths(kind_, lengths, l, kind_ == seq::Kind::last ? 1 : 0, kind_ == seq::Kind::mask,
                            [&](auto len) {
                              for (std::int64_t n = 0; n < l.N; ++n) {
                                if (kind_ == seq::Kind::last) {
                                  T* o = d + l.at(len(n) - 1, n);
                                  const T* s = g + n * l.R;
                                  for (std::int64_t r = 0; r < l.R; ++r) o[r] += s[r];
                                  continue;
                                }
                                for (std::int64_t t = 0; t < len(n); ++t)
                                  for (std::int64_t r = 0; r < l.R; ++r)
                                    d[l.at(t, n) + r] += g[l.at(t, n) + r];
                              }
                            });
        });
  }

 private:
  seq::Kind kind_;
  bool use_len_;
  int axis_;
};

class Sequence final : public Operator {
 public:
  ~Sequence() override;  // the key function: vtable and kernels are compiled with the unit
  Sequence(seq::Kind k, bool use_len, double value, int axis)
      : kind_(k), use_len_(use_len), value_(value), axis_(axis) {
    if (axis != 0 && axis != 1)
      throw ValueError(std::string(seq::kind_name(k)) +
                       ": axis must be 0 (data (T, N, ...)) or 1 (data (N, T, "
                       "...)), got " +
                       std::to_string(axis));
    if (k == seq::Kind::reverse && axis != 0)
      throw ValueError("SequenceReverse: only axis 0 (data (T, N, ...)) is supported, as in MXNet");
  }
  std::string type_name() const override { return seq::kind_name(kind_); }
  std::vector<std::string> arguments() const override {
    if (use_len_) return {"data", "sequence_length"};
    return {"data"};
  }
  AttrMap attrs() const override {
    AttrMap m;
    if (use_len_) m["use_sequence_length"] = attr::format(true);
    if (kind_ == seq::Kind::mask && value_ != 0) m["value"] = attr::format(value_);
    if (axis_ != 0) m["axis"] = attr::format(axis_);
    return m;
  }
  void infer_shape(ShapeCtx& c) const override {
    const Shape& d = c.in(0);
    if (!d.rank_known()) return;
    if (d.ndim() < 2)
      ShapeCtx::fail(c.in_name(0) + " has shape " + d.str() + "; " + type_name() +
                     " needs data with a time and a batch axis, (T, N, ...) or, with axis=1, (N, T, ...)");
    if (use_len_) c.assign_in(1, Shape{d[1 - axis_]}, "the batch size of data " + d.str());
    if (kind_ != seq::Kind::last) {
      c.assign_out(0, d);
      return;
    }
    Shape out;
    for (int i = 0; i < d.ndim(); ++i)
      if (i != axis_) out.push_back(d[i]);
    c.assign_out(0, out);
  }
  void infer_type(TypeCtx& c) const override {
    if (c.in(0)) c.assign_out(0, *c.in(0));
    if (!c.in(0) && c.out(0)) c.assign_in(0, *c.out(0));
    if (use_len_ && !c.in(1) && c.in(0)) c.assign_in(1, *c.in(0));
  }
  bool differentiable(std::size_t i) const override { return i == 0; }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    std::vector<NodeEntry> ins{og[0]};
    NodePtr b;
    if (kind_ == seq::Kind::reverse) {
      if (use_len_) ins.push_back(n->inputs[1]);
      b = grad_node(std::make_shared<Sequence>(kind_, use_len_, 0.0, axis_), n, "backward", ins);
    } else {
      if (kind_ == seq::Kind::last) ins.push_back(n->inputs[0]);
      if (use_len_) ins.push_back(n->inputs[1]);
      b = grad_node(std::make_shared<SequenceBackward>(kind_, use_len_, axis_), n, "backward", ins);
    }
    std::vector<NodeEntry> g{out_entry(b)};
    if (use_len_) g.push_back(NodeEntry{});
    return g;
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    const seq::Layout l(in[0].shape(), axis_);
    const NDArray* lengths = use_len_ ? &in[1] : nullptr;
    const bool add = req[0] == OpReq::add;
    dispatch_dtype(in[0].dtype(), [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      T* y = out[0].data<T>();
      auto put = [&](T* o, const T* s) {
        for (std::int64_t r = 0; r < l.R; ++r) o[r] = add ? static_cast<T>(o[r] + s[r]) : s[r];
      };
      const std::int64_t lo = kind_ == seq::Kind::last ? 1 : 0;
      seq::with_lengths(kind_, lengths, l, lo, kind_ == seq::Kind::mask, [&](auto len) {
        for (std::int64_t n = 0; n < l.N; ++n) {
          if (kind_ == seq::Kind::last) {
            put(y + n * l.R, x + l.at(len(n) - 1, n));
            continue;
          }
          for (std::int64_t t = 0; t < l.T; ++t) {
            T* o = y + l.at(t, n);
            if (kind_ == seq::Kind::reverse) {
              put(o, x + l.at(t < len(n) ? len(n) - 1 - t : t, n));
            } else if (t < len(n)) {
              put(o, x + l.at(t, n));
            } else {
              const T v = static_cast<T>(value_);
              for (std::int64_t r = 0; r < l.R; ++r) o[r] = add ? static_cast<T>(o[r] + v) : v;
            }
          }
        }
      });
    });
  }

 private:
  seq::Kind kind_;
  bool use_len_;
  double value_;
  int axis_;
};

namespace reg {
template <seq::Kind K>
OpPtr sequence(const AttrMap& m, std::size_t n) {
  attr::Reader r(seq::kind_name(K), m);
  bool use_len = false;
  double value = 0;
  int axis = 0;
  r.get("use_sequence_length", use_len);
  if constexpr (K == seq::Kind::mask) r.get("value", value);
  r.get("axis", axis);
  r.finish();
  if (n != (use_len ? 2u : 1u))
    throw ValueError(std::string(seq::kind_name(K)) + ": the node has " + std::to_string(n) + " inputs but " +
                     (use_len ? "use_sequence_length=True takes data and sequence_length"
                              : "without use_sequence_length it takes data only"));
  return std::make_shared<Sequence>(K, use_len, value, axis);
}
}  // namespace reg
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_SEQUENCE)
namespace SYMGRAD_NS::sym {
namespace detail {
SYMGRAD_INLINE Symbol sequence(ops::seq::Kind k, const Symbol& data, const Symbol& len, bool use_len,
                               double value, int axis, const std::string& name) {
  std::vector<Symbol> in{data};
  if (use_len) {
    if (len.empty())
      throw ValueError(std::string(ops::seq::kind_name(k)) +
                       ": use_sequence_length=true needs a sequence_length symbol");
    in.push_back(len);
  }
  return compose(std::make_shared<ops::Sequence>(k, use_len, value, axis), in, name);
}
}  // namespace detail
SYMGRAD_INLINE Symbol sequence_mask(const Symbol& data, const Symbol& len, const SequenceMaskOptions& o) {
  return detail::sequence(ops::seq::Kind::mask, data, len, o.use_sequence_length, o.value, o.axis, o.name);
}
SYMGRAD_INLINE Symbol sequence_last(const Symbol& data, const Symbol& len, const SequenceOptions& o) {
  return detail::sequence(ops::seq::Kind::last, data, len, o.use_sequence_length, 0, o.axis, o.name);
}
SYMGRAD_INLINE Symbol sequence_reverse(const Symbol& data, const Symbol& len, const SequenceOptions& o) {
  return detail::sequence(ops::seq::Kind::reverse, data, len, o.use_sequence_length, 0, o.axis, o.name);
}
SYMGRAD_INLINE Symbol SequenceMask(const Symbol& data, const Symbol& len, const SequenceMaskOptions& o) {
  return sequence_mask(data, len, o);
}
SYMGRAD_INLINE Symbol SequenceLast(const Symbol& data, const Symbol& len, const SequenceOptions& o) {
  return sequence_last(data, len, o);
}
SYMGRAD_INLINE Symbol SequenceReverse(const Symbol& data, const Symbol& len, const SequenceOptions& o) {
  return sequence_reverse(data, len, o);
}
}  // namespace SYMGRAD_NS::sym
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_sequence(OpTable& t) {
  t["SequenceMask"] = reg::sequence<seq::Kind::mask>;
  t["SequenceLast"] = reg::sequence<seq::Kind::last>;
  t["SequenceReverse"] = reg::sequence<seq::Kind::reverse>;
}
// Key functions (see the classes above).
SYMGRAD_INLINE SequenceBackward::~SequenceBackward() = default;
SYMGRAD_INLINE Sequence::~Sequence() = default;
}  // namespace SYMGRAD_NS::ops
#endif
