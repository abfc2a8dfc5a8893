// Operators and kernels of ops/concat.hpp.
#pragma once
#include <array>
#include <memory>
#include <span>
#include <utility>

#include "../cpu/strided.hpp"
#include "concat.hpp"
#include "elemwise-inl.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "params.hpp"

namespace SYMGRAD_NS::ops {

// num_outputs is bounded: each output is a node entry with its own name and shape, and a file of a
// few bytes must not make the loader build billions of them.
inline constexpr std::int64_t kMaxSliceOutputs = 65536;
template <>
inline constexpr auto param_fields<SliceChannelParam> = std::tuple{
    field("num_outputs", &SliceChannelParam::num_outputs).required().within(1, kMaxSliceOutputs),
    field("axis", &SliceChannelParam::axis), field("squeeze_axis", &SliceChannelParam::squeeze_axis)};

inline int norm_axis(std::int64_t axis, int ndim) { return static_cast<int>(axis < 0 ? axis + ndim : axis); }

// Copies `part` into (or out of, when `gather` is false) the slab of `whole` that starts at
// `offset` along `axis`.
template <class T>
void slab_copy(const NDArray& whole, const NDArray& part, int axis, std::int64_t offset, bool into_whole,
               OpReq req) {
  if (req == OpReq::null) return;
  auto ws = host::contiguous_strides(whole.shape());
  const Shape& ps = part.shape();
  T* w = whole.data<T>() + offset * ws[axis];
  T* p = part.data<T>();
  // Iterate over the part's shape; the whole is read/written with its own strides.
  host::Strides wst = ws;
  if (ps.ndim() != whole.ndim())
    wst.erase(static_cast<std::size_t>(axis));  // squeezed: the part lacks `axis`
  if (into_whole) {
    host::StridedLoop<2> loop(ps, {wst, host::contiguous_strides(ps)});
    const std::int64_t s = loop.inner_stride(0);
    const bool add = req == OpReq::add;
    loop.for_each_row([&](const std::array<std::int64_t, 2>& off, std::int64_t n) {
      for (std::int64_t j = 0; j < n; ++j)
        w[off[0] + j * s] = add ? w[off[0] + j * s] + p[off[1] + j] : p[off[1] + j];
    });
  } else {
    host::strided_copy<T>(ps, p, w, wst, req == OpReq::add);
  }
}

class Concat final : public Operator {
 public:
  ~Concat() override;  // the key function: vtable and kernels are compiled with the unit
  // rnn_param: gluon's _rnn_param_concat (the flattened RNN weights joined along dim 0), which
  // writes its dim always.
  Concat(std::size_t n, std::int64_t dim, bool rnn_param = false) : n_(n), dim_(dim), rnn_param_(rnn_param) {
    if (n < 1) throw ValueError("Concat: num_args must be at least 1");
  }
  std::string type_name() const override { return rnn_param_ ? "_rnn_param_concat" : "Concat"; }
  std::vector<std::string> arguments() const override {
    std::vector<std::string> a;
    for (std::size_t i = 0; i < n_; ++i) a.push_back("arg" + std::to_string(i));
    return a;
  }
  AttrMap attrs() const override {
    AttrMap m{{"num_args", std::to_string(n_)}};
    if (dim_ != 1 || rnn_param_) m["dim"] = attr::format(dim_);
    return m;
  }
  void infer_shape(ShapeCtx& c) const override {
    int nd = -1;
    for (std::size_t i = 0; i < n_; ++i)
      if (c.in(i).rank_known()) nd = c.in(i).ndim();
    if (nd < 0 && c.out(0).rank_known()) nd = c.out(0).ndim();
    if (nd < 0) return;
    if (nd == 0) ShapeCtx::fail("zero-dimensional arrays cannot be concatenated");
    int ax = norm_axis(dim_, nd);
    if (ax < 0 || ax >= nd)
      ShapeCtx::fail("dim " + std::to_string(dim_) + " is out of range for rank " + std::to_string(nd));
    // Every dim but `ax` is shared by all inputs and the output.
    Shape common = c.out(0).rank_known() ? c.out(0) : Shape::unknown_dims(nd);
    common[ax] = dyn;
    for (std::size_t i = 0; i < n_; ++i) {
      if (!c.in(i).rank_known()) continue;
      if (c.in(i).ndim() != nd)
        ShapeCtx::fail(c.in_name(i) + " has rank " + std::to_string(c.in(i).ndim()) +
                       " but the other inputs have rank " + std::to_string(nd));
      Shape s = c.in(i);
      s[ax] = dyn;
      auto m = merge(common, s);
      if (!m.ok)
        ShapeCtx::fail(c.in_name(i) + " has shape " + c.in(i).str() +
                       ", which differs from the others outside dim " + std::to_string(dim_) + " (expected " +
                       common.str() + " there)");
      common = m.shape;
    }
    std::int64_t total = 0;
    int unknown = -1, n_unknown = 0;
    for (std::size_t i = 0; i < n_; ++i) {
      Shape s = common;
      s[ax] = c.in(i).rank_known() ? c.in(i)[ax] : dyn;
      c.assign_in(i, s);
      if (s[ax] < 0)
        ++n_unknown, unknown = static_cast<int>(i);
      else
        total += s[ax];
    }
    Shape out = common;
    out[ax] = n_unknown ? dyn : total;
    c.assign_out(0, out);
    if (n_unknown == 1 && c.out(0)[ax] >= 0) {  // the one missing size follows from the output
      Shape s = common;
      s[ax] = c.out(0)[ax] - total;
      if (s[ax] < 1)
        ShapeCtx::fail("the output's size along dim " + std::to_string(dim_) +
                       " is too small for the inputs");
      c.assign_in(static_cast<std::size_t>(unknown), s);
    }
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override;
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    int ax = norm_axis(dim_, out[0].ndim());
    if (req[0] == OpReq::null) return;
    dispatch_dtype(out[0].dtype(), [&](auto t) {
      std::int64_t off = 0;
      for (const auto& a : in) {
        slab_copy<decltype(t)>(out[0], a, ax, off, true, req[0]);
        off += a.shape()[ax];
      }
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    int ax = norm_axis(dim_, out[0].ndim());
    if (req[0] == OpReq::null) return;
    std::int64_t off = 0;
    for (const auto& a : in) {
      on_gpu::slab_copy(out[0], a, ax, off, true, req[0]);
      off += a.shape()[ax];
    }
  }
#endif
 private:
  std::size_t n_;
  std::int64_t dim_;
  bool rnn_param_;
};

// Splits dy into the inputs' slabs (Concat's gradient) or, with squeeze, drops the axis.
class SplitLike final : public Operator {
 public:
  ~SplitLike() override;  // the key function: vtable and kernels are compiled with the unit
  SplitLike(std::size_t n, std::int64_t axis, std::string name = "_backward_Concat")
      : n_(n), axis_(axis), name_(std::move(name)) {}
  std::string type_name() const override { return name_; }
  std::vector<std::string> arguments() const override {
    std::vector<std::string> a{"ograd"};
    for (std::size_t i = 0; i < n_; ++i) a.push_back("like" + std::to_string(i));
    return a;
  }
  std::vector<std::string> outputs() const override {
    std::vector<std::string> o;
    for (std::size_t i = 0; i < n_; ++i) o.push_back("arg" + std::to_string(i) + "_grad");
    return o;
  }
  void infer_shape(ShapeCtx& c) const override {
    for (std::size_t i = 0; i < n_; ++i) c.assign_out(i, c.in(i + 1));
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    int ax = norm_axis(axis_, in[0].ndim());
    dispatch_dtype(in[0].dtype(), [&](auto t) {
      std::int64_t off = 0;
      for (std::size_t i = 0; i < n_; ++i) {
        slab_copy<decltype(t)>(in[0], out[i], ax, off, false, req[i]);
        off += slab_size(in[0], in[i + 1], ax);
      }
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    int ax = norm_axis(axis_, in[0].ndim());
    std::int64_t off = 0;
    for (std::size_t i = 0; i < n_; ++i) {
      on_gpu::slab_copy(in[0], out[i], ax, off, false, req[i]);
      off += slab_size(in[0], in[i + 1], ax);
    }
  }
#endif
 private:
  // A part's extent along the axis: its own size there, or 1 where it lacks the axis (stack).
  static std::int64_t slab_size(const NDArray& whole, const NDArray& part, int ax) {
    return part.ndim() == whole.ndim() ? part.shape()[ax] : 1;
  }
  std::size_t n_;
  std::int64_t axis_;
  std::string name_;
};

inline std::vector<NodeEntry> Concat::gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const {
  std::vector<NodeEntry> ins{og[0]};
  ins.insert(ins.end(), n->inputs.begin(), n->inputs.end());
  auto b = grad_node(std::make_shared<SplitLike>(n_, dim_), n, "backward", std::move(ins));
  std::vector<NodeEntry> g;
  for (std::size_t i = 0; i < n_; ++i) g.push_back(out_entry(b, static_cast<std::uint32_t>(i)));
  return g;
}

class SliceChannelBackward final : public Operator {
 public:
  ~SliceChannelBackward() override;  // the key function: vtable and kernels are compiled with the unit
  explicit SliceChannelBackward(SliceChannelParam p) : p_(std::move(p)) {}
  std::string type_name() const override { return "_backward_SliceChannel"; }
  std::vector<std::string> arguments() const override {
    std::vector<std::string> a{"data"};
    for (std::int64_t i = 0; i < p_.num_outputs; ++i) a.push_back("ograd" + std::to_string(i));
    return a;
  }
  void infer_shape(ShapeCtx& c) const override { c.assign_out(0, c.in(0)); }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    int ax = norm_axis(p_.axis, out[0].ndim());
    std::int64_t part = out[0].shape()[ax] / p_.num_outputs;
    dispatch_dtype(out[0].dtype(), [&](auto t) {
      for (std::int64_t i = 0; i < p_.num_outputs; ++i)
        slab_copy<decltype(t)>(out[0], in[static_cast<std::size_t>(i) + 1], ax, i * part, true, req[0]);
    });
  }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    int ax = norm_axis(p_.axis, out[0].ndim());
    std::int64_t part = out[0].shape()[ax] / p_.num_outputs;
    for (std::int64_t i = 0; i < p_.num_outputs; ++i)
      on_gpu::slab_copy(out[0], in[static_cast<std::size_t>(i) + 1], ax, i * part, true, req[0]);
  }
#endif
 private:
  SliceChannelParam p_;
};

class SliceChannel final : public Operator {
 public:
  ~SliceChannel() override;  // the key function: vtable and kernels are compiled with the unit
  SliceChannel(SliceChannelParam p, bool split_alias) : p_(std::move(p)), split_(split_alias) {
    check_params("SliceChannel", p_);
  }
  explicit SliceChannel(const AttrMap& m) : p_(read_params<SliceChannelParam>("SliceChannel", m)) {}
  std::string type_name() const override { return "SliceChannel"; }
  std::string name_hint() const override { return split_ ? "split" : "slicechannel"; }
  std::vector<std::string> outputs() const override {
    std::vector<std::string> o;
    for (std::int64_t i = 0; i < p_.num_outputs; ++i) o.push_back("output" + std::to_string(i));
    return o;
  }
  AttrMap attrs() const override { return write_params(p_); }
  void infer_shape(ShapeCtx& c) const override {
    Shape in = c.in(0);
    // Rebuild the input from any output.
    for (std::size_t j = 0; j < c.num_out() && !in.known(); ++j) {
      const Shape& o = c.out(j);
      if (!o.rank_known()) continue;
      Shape guess;
      int nd = p_.squeeze_axis ? o.ndim() + 1 : o.ndim();
      int ax = norm_axis(p_.axis, nd);
      for (int d = 0, k = 0; d < nd; ++d) {
        if (d == ax) {
          guess.push_back(p_.squeeze_axis ? p_.num_outputs : (o[k] < 0 ? dyn : o[k] * p_.num_outputs));
          if (!p_.squeeze_axis) ++k;
        } else {
          guess.push_back(o[k++]);
        }
      }
      c.assign_in(0, guess);
      in = c.in(0);
    }
    if (!in.rank_known()) return;
    int ax = norm_axis(p_.axis, in.ndim());
    if (ax < 0 || ax >= in.ndim())
      ShapeCtx::fail("axis " + std::to_string(p_.axis) + " is out of range for " + in.str());
    Shape part = in;
    if (in[ax] >= 0) {
      if (in[ax] % p_.num_outputs != 0)
        ShapeCtx::fail("cannot split axis " + std::to_string(p_.axis) + " of " + c.in_name(0) +
                       " with shape " + in.str() + " into num_outputs=" + std::to_string(p_.num_outputs) +
                       " equal parts: " + std::to_string(p_.num_outputs) + " does not divide " +
                       std::to_string(in[ax]));
      if (p_.squeeze_axis && in[ax] != p_.num_outputs)
        ShapeCtx::fail("with squeeze_axis=True the split axis must have size num_outputs=" +
                       std::to_string(p_.num_outputs) + ", but " + c.in_name(0) + " has shape " + in.str());
      part[ax] = in[ax] / p_.num_outputs;
    }
    if (p_.squeeze_axis) {
      Shape sq;
      for (int d = 0; d < in.ndim(); ++d)
        if (d != ax) sq.push_back(in[d]);
      part = sq;
    }
    for (std::size_t j = 0; j < c.num_out(); ++j) c.assign_out(j, part);
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    std::vector<NodeEntry> ins{n->inputs[0]};
    ins.insert(ins.end(), og.begin(), og.end());
    return {out_entry(grad_node(std::make_shared<SliceChannelBackward>(p_), n, "backward", std::move(ins)))};
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    int ax = norm_axis(p_.axis, in[0].ndim());
    std::int64_t part = in[0].shape()[ax] / p_.num_outputs;
    dispatch_dtype(in[0].dtype(), [&](auto t) {
      for (std::size_t i = 0; i < out.size(); ++i)
        slab_copy<decltype(t)>(in[0], out[i], ax, static_cast<std::int64_t>(i) * part, false, req[i]);
    });
  }
  const SliceChannelParam& param() const { return p_; }

#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override { return ""; }
  void forward_gpu(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override {
    int ax = norm_axis(p_.axis, in[0].ndim());
    std::int64_t part = in[0].shape()[ax] / p_.num_outputs;
    for (std::size_t i = 0; i < out.size(); ++i)
      on_gpu::slab_copy(in[0], out[i], ax, static_cast<std::int64_t>(i) * part, false, req[i]);
  }
#endif
 private:
  SliceChannelParam p_;
  bool split_ = false;
};
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_CONCAT)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol concat(const std::vector<Symbol>& data, const ConcatOptions& o) {
  if (data.empty()) throw ValueError("concat: needs at least one input");
  return compose(std::make_shared<ops::Concat>(data.size(), o.dim), data, o.name);
}
SYMGRAD_INLINE Symbol Concat(const std::vector<Symbol>& data, const ConcatOptions& o) {
  return concat(data, o);
}
SYMGRAD_INLINE Symbol split(const Symbol& data, const SplitOptions& o) {
  return compose(std::make_shared<ops::SliceChannel>(o, true), {data}, o.name);
}
SYMGRAD_INLINE Symbol slice_channel(const Symbol& data, const SplitOptions& o) {
  return compose(std::make_shared<ops::SliceChannel>(o, false), {data}, o.name);
}
SYMGRAD_INLINE Symbol SliceChannel(const Symbol& data, const SplitOptions& o) {
  return slice_channel(data, o);
}
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
namespace SYMGRAD_NS::ops::reg {
template <bool RnnParam>
OpPtr concat(const AttrMap& m, std::size_t n) {
  const char* op = RnnParam ? "_rnn_param_concat" : "Concat";
  attr::Reader r(op, m);
  std::int64_t k = static_cast<std::int64_t>(n), dim = 1;
  r.get("num_args", k);
  r.get("dim", dim);
  r.finish();
  if (static_cast<std::size_t>(k) != n)
    throw ValueError(std::string(op) + ": num_args=" + std::to_string(k) + " but the node has " +
                     std::to_string(n) + " inputs");
  return std::make_shared<Concat>(n, dim, RnnParam);
}
inline OpPtr slice_channel(const AttrMap& m, std::size_t) { return std::make_shared<SliceChannel>(m); }
}  // namespace SYMGRAD_NS::ops::reg
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_CONCAT)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_concat(OpTable& t) {
  t["Concat"] = reg::concat<false>;
  t["concat"] = reg::concat<false>;
  t["_rnn_param_concat"] = reg::concat<true>;
  t["SliceChannel"] = reg::slice_channel;
  t["split"] = reg::slice_channel;
}
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_CONCAT)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE Concat::~Concat() = default;
SYMGRAD_INLINE SplitLike::~SplitLike() = default;
SYMGRAD_INLINE SliceChannelBackward::~SliceChannelBackward() = default;
SYMGRAD_INLINE SliceChannel::~SliceChannel() = default;
}  // namespace SYMGRAD_NS::ops
#endif
