// The fused RNN operator (ops/rnn.hpp): the operator class, its gradient rule, and the GPU
// path (the CPU's structure with cuBLAS GEMMs and the step kernels of cuda/bodies_rnn.hpp;
// dropout between layers draws the CPU's masks). The CPU kernels are in rnn_kernels-inl.hpp
// and rnn_backward-inl.hpp.
#pragma once
#include <memory>
#include <span>
#include <utility>

#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "params.hpp"
#include "rnn.hpp"
#include "rnn_backward-inl.hpp"
#include "rnn_kernels-inl.hpp"

namespace SYMGRAD_NS::ops {

template <>
inline constexpr auto param_fields<RNNParam> =
    std::tuple{field("state_size", &RNNParam::state_size).required().at_least(1),
               field("num_layers", &RNNParam::num_layers).required().at_least(1),
               field("bidirectional", &RNNParam::bidirectional),
               field("mode", &RNNParam::mode).required(),
               field("p", &RNNParam::p).at_least(0).below(1),
               field("state_outputs", &RNNParam::state_outputs),
               field("projection_size", &RNNParam::projection_size),
               field("lstm_state_clip_min", &RNNParam::lstm_state_clip_min),
               field("lstm_state_clip_max", &RNNParam::lstm_state_clip_max),
               field("lstm_state_clip_nan", &RNNParam::lstm_state_clip_nan),
               field("use_sequence_length", &RNNParam::use_sequence_length)};

class RNN final : public Operator {
 public:
  ~RNN() override;  // the key function: vtable and kernels are compiled with the unit
  explicit RNN(RNNParam p) : p_(std::move(p)) { check(); }
  explicit RNN(const AttrMap& m) : p_(read_params<RNNParam>("RNN", m)) { check(); }
  const RNNParam& param() const { return p_; }
  std::string type_name() const override { return "RNN"; }
  std::vector<std::string> arguments() const override {
    if (p_.mode == RNNMode::lstm) return {"data", "parameters", "state", "state_cell"};
    return {"data", "parameters", "state"};
  }
  std::vector<std::string> outputs() const override {
    if (p_.mode == RNNMode::lstm) return {"output", "state_output", "statecell_output", "reserve"};
    return {"output", "state_output", "reserve"};
  }
  std::size_t num_visible_outputs() const override {
    return p_.state_outputs ? (p_.mode == RNNMode::lstm ? 3 : 2) : 1;
  }
  std::size_t json_num_outputs() const override { return num_visible_outputs(); }
  AttrMap attrs() const override { return write_params(p_); }
  void infer_shape(ShapeCtx& c) const override {
    const Shape& d = c.in(0);
    if (!d.rank_known()) return;
    if (d.ndim() != 3) ShapeCtx::fail(c.in_name(0) + " must be (T, N, C) (layout TNC), got " + d.str());
    auto lay = rnn_layout(p_, d[2]);
    const std::int64_t LD = mul_size(p_.num_layers, p_.dirs()), H = p_.state_size;
    if (d[2] >= 0) c.assign_in(1, Shape{lay.total()}, "the packed parameters of this RNN");
    Shape st{LD, d[1], H};
    c.assign_in(2, st, "state (num_layers·directions, batch, state_size)");
    if (p_.mode == RNNMode::lstm) c.assign_in(3, st, "state_cell (num_layers·directions, batch, state_size)");
    c.assign_out(0, Shape{d[0], d[1], mul_size(p_.dirs(), H)});
    std::size_t k = 1;
    c.assign_out(k++, st);
    if (p_.mode == RNNMode::lstm) c.assign_out(k++, st);
    if (d.known()) {
      RNNReserve rv{d[0], d[1], lay.G, H, p_.num_layers, p_.dirs()};
      c.assign_out(k, Shape{rv.total()});
    }
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override;
  void forward(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override;
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override;
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override;
#endif

 private:
  void check() const {
    check_params("RNN", p_);
    if (p_.projection_size || p_.lstm_state_clip_min || p_.lstm_state_clip_max || p_.lstm_state_clip_nan)
      throw ValueError("RNN: projection_size and LSTM state clipping are not supported");
    if (p_.use_sequence_length) throw ValueError("RNN: use_sequence_length=True is not supported");
  }
  RNNParam p_;
  friend class RNNBackward;
};

inline void RNN::forward(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                         std::span<const OpReq> req) const {
  const bool lstm = p_.mode == RNNMode::lstm;
  dispatch_float(in[0].dtype(), "RNN", [&](auto t) {
    using T = decltype(t);
    const Shape& xs = in[0].shape();
    auto lay = rnn_layout(p_, xs[2]);
    RNNReserve rv{xs[0], xs[1], lay.G, p_.state_size, p_.num_layers, p_.dirs()};
    if (req[0] == OpReq::add) throw Error("internal: RNN cannot add to its output");
    std::size_t k = 1;
    T* hy = req[k] == OpReq::null ? nullptr : out[k].data<T>();
    ++k;
    T* cy = nullptr;
    if (lstm) cy = req[k] == OpReq::null ? nullptr : out[k].data<T>(), ++k;
    rnn_detail::Forward<T>{p_,
                           lay,
                           rv,
                           in[0].data<T>(),
                           in[1].data<T>(),
                           in[2].data<T>(),
                           lstm ? in[3].data<T>() : nullptr,
                           out[0].data<T>(),
                           hy,
                           cy,
                           out[k].data<T>(),
                           ctx}
        .run();
  });
}

inline std::vector<NodeEntry> RNN::gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const {
  const bool lstm = p_.mode == RNNMode::lstm;
  std::vector<NodeEntry> ins{og[0]};
  ins.insert(ins.end(), n->inputs.begin(), n->inputs.end());
  ins.push_back(out_entry(n, lstm ? 3 : 2));
  bool dhy = og.size() > 1 && og[1];
  bool dcy = lstm && og.size() > 2 && og[2];
  if (dhy) ins.push_back(og[1]);
  if (dcy) ins.push_back(og[2]);
  auto b = grad_node(std::make_shared<RNNBackward>(p_, dhy, dcy), n, "backward", std::move(ins));
  std::vector<NodeEntry> g{out_entry(b, 0), out_entry(b, 1), out_entry(b, 2)};
  if (lstm) g.push_back(out_entry(b, 3));
  return g;
}

}  // namespace SYMGRAD_NS::ops

#if SYMGRAD_WITH_CUDA
namespace SYMGRAD_NS::ops {

namespace rnn_gpu {
inline cuda::RnnMode mode_of(RNNMode m) { return static_cast<cuda::RnnMode>(static_cast<int>(m)); }
// Element `off` of a device array, as a byte pointer.
struct Elems {
  std::size_t es;
  char* operator()(const NDArray& a, std::int64_t off) const {
    return static_cast<char*>(a.raw_data()) + off * static_cast<std::int64_t>(es);
  }
  char* operator()(void* base, std::int64_t off) const {
    return static_cast<char*>(base) + off * static_cast<std::int64_t>(es);
  }
  const char* operator()(const void* base, std::int64_t off) const {
    return static_cast<const char*>(base) + off * static_cast<std::int64_t>(es);
  }
};
}  // namespace rnn_gpu

inline std::string RNN::gpu_unsupported() const { return ""; }

inline void RNN::forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                             std::span<const OpReq> req) const {
  const bool lstm = p_.mode == RNNMode::lstm;
  const int dev = ctx.ctx.device_id;
  const DType t = in[0].dtype();
  const rnn_gpu::Elems at{dtype_size(t)};
  const Shape& xs = in[0].shape();
  auto lay = rnn_layout(p_, xs[2]);
  const std::int64_t Tn = xs[0], N = xs[1], H = p_.state_size, G = lay.G, D = p_.dirs(), L = p_.num_layers,
                     GH = G * H;
  RNNReserve rv{Tn, N, G, H, L, D};
  if (req[0] == OpReq::add) throw Error("internal: RNN cannot add to its output");
  std::size_t k = 1;
  const NDArray* hy = req[k] == OpReq::null ? nullptr : &out[k];
  ++k;
  const NDArray* cy = nullptr;
  if (lstm) cy = req[k] == OpReq::null ? nullptr : &out[k], ++k;
  const NDArray& res = out[k];
  const NDArray &x = in[0], &w = in[1];
  for (std::int64_t l = 0; l < L; ++l) {
    const void* X = l == 0 ? x.raw_data() : at(res, rv.layer_out(l - 1));
    const std::int64_t in_dim = lay.in(l);
    void* dest = l + 1 == L ? out[0].raw_data() : at(res, rv.layer_out(l));
    for (std::int64_t d = 0; d < D; ++d) {
      void* gates = at(res, rv.gates(l, d));
      const void *Wi = at(w, lay.w_i2h(l, d)), *Wh = at(w, lay.w_h2h(l, d));
      const void *bi = at(w, lay.b_i2h(l, d)), *bh = at(w, lay.b_h2h(l, d));
      cuda::gemm(dev, t, false, true, Tn * N, GH, in_dim, 1.0, X, in_dim, Wi, in_dim, 0.0, gates, GH);
      cuda::add_rows(dev, t, Tn * N, GH, GH, gates, bi);
      cuda::add_rows(dev, t, Tn * N, p_.mode == RNNMode::gru ? 2 * H : GH, GH, gates,
                     bh);  // GRU: b_hn inside r·(...)
      const void* h_prev = at(in[2], (l * D + d) * N * H);
      const void* c_prev = lstm ? at(in[3], (l * D + d) * N * H) : nullptr;
      for (std::int64_t s = 0; s < Tn; ++s) {
        const std::int64_t tt = d == 0 ? s : Tn - 1 - s;
        void* g = at(gates, tt * N * GH);
        void* h = at(res, rv.hidden(l, d) + tt * N * H);
        void* c = at(res, rv.cell(l, d) + tt * N * H);
        void* hn = at(res, rv.hn(l, d) + tt * N * H);
        if (p_.mode == RNNMode::gru) {
          cuda::gemm(dev, t, false, true, N, 2 * H, H, 1.0, h_prev, H, Wh, H, 1.0, g, GH);
          cuda::gemm(dev, t, false, true, N, H, H, 1.0, h_prev, H, at(Wh, 2 * H * H), H, 0.0, hn, H);
          cuda::add_rows(dev, t, N, H, H, hn, at(bh, 2 * H));
        } else {
          cuda::gemm(dev, t, false, true, N, GH, H, 1.0, h_prev, H, Wh, H, 1.0, g, GH);
        }
        cuda::rnn_step(dev, t, rnn_gpu::mode_of(p_.mode), N, H, G, D * H, g, h_prev, c_prev, hn, h, c,
                       at(dest, tt * N * D * H + d * H));
        h_prev = h;
        c_prev = c;
      }
      const std::size_t state_bytes = static_cast<std::size_t>(N * H) * at.es;
      if (hy) device::copy(at(*hy, (l * D + d) * N * H), ctx.ctx, h_prev, ctx.ctx, state_bytes);
      if (cy) device::copy(at(*cy, (l * D + d) * N * H), ctx.ctx, c_prev, ctx.ctx, state_bytes);
    }
    if (l + 1 < L) {  // dropout between layers: the CPU's draws; the mask is kept for backward
      void* mask = at(res, rv.mask(l));
      if (ctx.is_train && p_.p > 0)
        cuda::dropout(dev, t, cuda::StridedIndex{}, Tn * N * D * H, dest, dest, mask, ctx.rng->next(), p_.p,
                      1.0 / (1.0 - p_.p), OpReq::write);
      else
        cuda::fill(dev, t, Tn * N * D * H, 1.0, mask);
    }
  }
}

inline std::string RNNBackward::gpu_unsupported() const { return ""; }

inline void RNNBackward::forward_gpu(const RunCtx& ctx, std::span<const NDArray> in,
                                     std::span<const NDArray> out, std::span<const OpReq> req) const {
  const bool is_lstm = lstm(), gru = p_.mode == RNNMode::gru;
  const int dev = ctx.ctx.device_id;
  const DType t = in[0].dtype();
  const rnn_gpu::Elems at{dtype_size(t)};
  const Shape& xs = in[1].shape();
  auto lay = rnn_layout(p_, xs[2]);
  const std::int64_t Tn = xs[0], N = xs[1], H = p_.state_size, G = lay.G, D = p_.dirs(), L = p_.num_layers,
                     GH = G * H;
  const std::int64_t NH = N * H, NG = N * GH;
  RNNReserve rv{Tn, N, G, H, L, D};
  std::size_t k = 4 + (is_lstm ? 1 : 0);
  const NDArray& res = in[k++];
  const NDArray* dhy = dhy_ ? &in[k++] : nullptr;
  const NDArray* dcy = dcy_ ? &in[k++] : nullptr;
  const NDArray &x = in[1], &w = in[2], &h0 = in[3];
  auto target = [&](std::size_t i) -> void* {
    if (i >= out.size() || req[i] == OpReq::null) return nullptr;
    if (req[i] == OpReq::write) device::zero(ctx.ctx, out[i].raw_data(), out[i].nbytes());
    return out[i].raw_data();
  };
  void* dx = target(0);
  void* dw = target(1);
  void* dh0 = target(2);
  void* dc0 = is_lstm ? target(3) : nullptr;
  if (ctx.workspace_bytes < workspace_bytes({Shape{}, xs}, {}, t))
    throw Error("internal: RNN backward got too little workspace");
  void* dG = ctx.workspace;
  void* dGh = at(dG, Tn * NG);
  void* dh = at(dGh, NG);
  void* dc = at(dh, NH);
  void* direct = at(dc, NH);
  void* bufA = at(direct, 2 * NH);
  void* bufB = at(bufA, Tn * N * D * H);
  const std::size_t state_bytes = static_cast<std::size_t>(NH) * at.es;
  const void* dY = in[0].raw_data();
  auto add_into = [&](void* y, const void* v, std::int64_t n) {
    cuda::binary(dev, t, cuda::BinaryOp::add, n, y, v, 0.0, y, OpReq::write);
  };
  for (std::int64_t l = L - 1; l >= 0; --l) {
    const void* X = l == 0 ? x.raw_data() : at(res, rv.layer_out(l - 1));
    const std::int64_t in_dim = lay.in(l);
    void* dX = l == 0 ? dx : bufB;
    if (l > 0) device::zero(ctx.ctx, bufB, static_cast<std::size_t>(Tn * N * D * H) * at.es);
    for (std::int64_t d = 0; d < D; ++d) {
      const void* gates = at(res, rv.gates(l, d));
      const void* cell = at(res, rv.cell(l, d));
      const void* hnr = at(res, rv.hn(l, d));
      const void* hid = at(res, rv.hidden(l, d));
      const void *Wi = at(w, lay.w_i2h(l, d)), *Wh = at(w, lay.w_h2h(l, d));
      void* dWi = dw ? at(dw, lay.w_i2h(l, d)) : nullptr;
      void* dWh = dw ? at(dw, lay.w_h2h(l, d)) : nullptr;
      void* dbi = dw ? at(dw, lay.b_i2h(l, d)) : nullptr;
      void* dbh = dw ? at(dw, lay.b_h2h(l, d)) : nullptr;
      const std::int64_t sidx = (l * D + d) * NH;
      if (dhy)
        device::copy(dh, ctx.ctx, at(*dhy, sidx), ctx.ctx, state_bytes);
      else
        device::zero(ctx.ctx, dh, state_bytes);
      if (dcy)
        device::copy(dc, ctx.ctx, at(*dcy, sidx), ctx.ctx, state_bytes);
      else
        device::zero(ctx.ctx, dc, state_bytes);
      for (std::int64_t s = 0; s < Tn; ++s) {
        const std::int64_t tt = d == 0 ? Tn - 1 - s : s;
        const bool first = d == 0 ? tt == 0 : tt == Tn - 1;
        const std::int64_t tp = d == 0 ? tt - 1 : tt + 1;
        const void* h_prev = first ? at(h0, sidx) : at(hid, tp * NH);
        const void* c_prev = is_lstm ? (first ? at(in[4], sidx) : at(cell, tp * NH)) : nullptr;
        void* dg = at(dG, tt * NG);
        cuda::rnn_step_grad(dev, t, rnn_gpu::mode_of(p_.mode), N, H, G, D * H, at(gates, tt * NG), c_prev,
                            h_prev, at(cell, tt * NH), at(hnr, tt * NH), dh, at(dY, tt * N * D * H + d * H),
                            dg, dGh, dc, direct);
        const void* gh = gru ? dGh : dg;
        if (dWh && gru) {  // other modes: one GEMM over all steps below
          cuda::gemm(dev, t, true, false, GH, H, N, 1.0, gh, GH, h_prev, H, 1.0, dWh, H);
          cuda::col_sums(dev, t, N, GH, GH, gh, dbh);
        }
        cuda::gemm(dev, t, false, false, N, H, GH, 1.0, gh, GH, Wh, H, 0.0, dh, H);
        if (gru) add_into(dh, direct, NH);
      }
      if (dh0) add_into(at(dh0, sidx), dh, NH);
      if (dc0) add_into(at(dc0, sidx), dc, NH);
      if (dWh && !gru) {
        if (Tn > 1) {
          if (d == 0)
            cuda::gemm(dev, t, true, false, GH, H, (Tn - 1) * N, 1.0, at(dG, NG), GH, hid, H, 1.0, dWh, H);
          else
            cuda::gemm(dev, t, true, false, GH, H, (Tn - 1) * N, 1.0, dG, GH, at(hid, NH), H, 1.0, dWh, H);
        }
        const void* dg_first = d == 0 ? dG : at(dG, (Tn - 1) * NG);
        cuda::gemm(dev, t, true, false, GH, H, N, 1.0, dg_first, GH, at(h0, sidx), H, 1.0, dWh, H);
        cuda::col_sums(dev, t, Tn * N, GH, GH, dG, dbh);
      }
      if (dWi) {
        cuda::gemm(dev, t, true, false, GH, in_dim, Tn * N, 1.0, dG, GH, X, in_dim, 1.0, dWi, in_dim);
        cuda::col_sums(dev, t, Tn * N, GH, GH, dG, dbi);
      }
      if (dX) cuda::gemm(dev, t, false, false, Tn * N, in_dim, GH, 1.0, dG, GH, Wi, in_dim, 1.0, dX, in_dim);
    }
    if (l > 0) {  // through the dropout mask between layers
      cuda::binary(dev, t, cuda::BinaryOp::mul, Tn * N * D * H, bufB, at(res, rv.mask(l - 1)), 0.0, bufA,
                   OpReq::write);
      dY = bufA;
    }
  }
}

}  // namespace SYMGRAD_NS::ops
#endif

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_RNN)
namespace SYMGRAD_NS::sym {
SYMGRAD_INLINE Symbol rnn(const Symbol& data, const Symbol& parameters, const Symbol& state,
                          const Symbol& state_cell, const RNNOptions& o) {
  auto op = std::make_shared<ops::RNN>(o);
  if (o.mode == ops::RNNMode::lstm) return compose(op, {data, parameters, state, state_cell}, o.name);
  return compose(op, {data, parameters, state}, o.name);
}
SYMGRAD_INLINE Symbol rnn(const Symbol& data, const RNNOptions& o) {
  return rnn(data, Symbol(), Symbol(), Symbol(), o);
}
SYMGRAD_INLINE Symbol RNN(const Symbol& data, const RNNOptions& o) { return rnn(data, o); }
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_RNN)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_rnn(OpTable& t) { t["RNN"] = reg::with_attrs<RNN>; }
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_RNN)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE RNN::~RNN() = default;
}  // namespace SYMGRAD_NS::ops
#endif

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_RNN)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE RNNBackward::~RNNBackward() = default;
}  // namespace SYMGRAD_NS::ops
#endif
