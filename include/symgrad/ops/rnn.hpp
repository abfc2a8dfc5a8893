// RNN(data, parameters, state, state_cell; state_size, num_layers, mode=lstm|gru|rnn_tanh|rnn_relu,
//     bidirectional=False, p=0, state_outputs=False): a whole sequence through stacked recurrent
// layers. data (T, N, C) in TNC layout; parameters is MXNet's packed vector: every layer's and
// direction's i2h weight (G·H, in) and h2h weight (G·H, H), then every i2h and h2h bias (G·H),
// in the same order (gates: LSTM i f c o, GRU r z n). Outputs: out (T, N, D·H), and with
// state_outputs the final h (and c for LSTM), (L·D, N, H). A hidden third output keeps what the
// backward pass needs.
// CPU: per layer and direction, the input projection of all T steps is one GEMM, then one hidden
// GEMM and one fused gate kernel per step; the backward pass mirrors it (weight gradients of the
// input side as one GEMM over all steps).
#pragma once
#include <cmath>
#include <memory>

#include "../cpu/gemm.hpp"
#include "elemwise.hpp"

namespace symgrad {
namespace ops {

enum class RNNMode { lstm, gru, rnn_tanh, rnn_relu };
inline const char* rnn_mode_name(RNNMode m) {
  switch (m) {
    case RNNMode::lstm: return "lstm";
    case RNNMode::gru: return "gru";
    case RNNMode::rnn_tanh: return "rnn_tanh";
    case RNNMode::rnn_relu: return "rnn_relu";
  }
  return "?";
}
inline RNNMode parse_rnn_mode(std::string_view s) {
  for (RNNMode m : {RNNMode::lstm, RNNMode::gru, RNNMode::rnn_tanh, RNNMode::rnn_relu})
    if (s == rnn_mode_name(m)) return m;
  throw ValueError("RNN: mode '" + std::string(s) + "' is not one of lstm, gru, rnn_tanh, rnn_relu");
}
constexpr int rnn_gates(RNNMode m) { return m == RNNMode::lstm ? 4 : (m == RNNMode::gru ? 3 : 1); }

struct RNNParam {
  std::int64_t state_size = 0;
  std::int64_t num_layers = 1;
  RNNMode mode = RNNMode::lstm;
  bool bidirectional = false;
  double p = 0.0;
  bool state_outputs = false;
  int dirs() const { return bidirectional ? 2 : 1; }
};

// Sizes of the packed parameter vector and of the per-(layer, direction) blocks.
struct RNNLayout {
  std::int64_t G, H, L, D, C;
  std::int64_t in(std::int64_t l) const { return l == 0 ? C : D * H; }
  std::int64_t total() const {
    std::int64_t n = 0;
    for (std::int64_t l = 0; l < L; ++l) n += D * (G * H * in(l) + G * H * H + 2 * G * H);
    return n;
  }
  // Offsets of W_i2h, W_h2h, b_i2h, b_h2h for (layer l, direction d).
  std::int64_t w_i2h(std::int64_t l, std::int64_t d) const {
    std::int64_t off = 0;
    for (std::int64_t k = 0; k < l; ++k) off += D * (G * H * in(k) + G * H * H);
    return off + d * (G * H * in(l) + G * H * H);
  }
  std::int64_t w_h2h(std::int64_t l, std::int64_t d) const { return w_i2h(l, d) + G * H * in(l); }
  std::int64_t weights_end() const { return w_i2h(L, 0); }
  std::int64_t b_i2h(std::int64_t l, std::int64_t d) const { return weights_end() + (l * D + d) * 2 * G * H; }
  std::int64_t b_h2h(std::int64_t l, std::int64_t d) const { return b_i2h(l, d) + G * H; }
};
inline RNNLayout rnn_layout(const RNNParam& p, std::int64_t C) {
  return {rnn_gates(p.mode), p.state_size, p.num_layers, p.dirs(), C};
}

// Per (layer, direction): gates (T,N,G·H) after activation, c (T,N,H) for LSTM, hn (T,N,H) for
// GRU (U_n·h + b_hn), h (T,N,H). Then every layer's output but the last (T,N,D·H), and the
// dropout masks between layers.
struct RNNReserve {
  std::int64_t T, N, G, H, L, D;
  std::int64_t block() const { return T * N * (G * H + 3 * H); }
  std::int64_t gates(std::int64_t l, std::int64_t d) const { return (l * D + d) * block(); }
  std::int64_t cell(std::int64_t l, std::int64_t d) const { return gates(l, d) + T * N * G * H; }
  std::int64_t hn(std::int64_t l, std::int64_t d) const { return cell(l, d) + T * N * H; }
  std::int64_t hidden(std::int64_t l, std::int64_t d) const { return hn(l, d) + T * N * H; }
  std::int64_t layer_out(std::int64_t l) const { return L * D * block() + l * T * N * D * H; }
  std::int64_t mask(std::int64_t l) const { return layer_out(L - 1) + l * T * N * D * H; }
  std::int64_t total() const { return mask(L - 1); }
};

template <class T>
inline T sigm(T x) { return T(1) / (T(1) + std::exp(-x)); }

class RNNBackward;

class RNN final : public Operator {
 public:
  explicit RNN(RNNParam p) : p_(p) { check(); }
  explicit RNN(const AttrMap& m) {
    attr::Reader r("RNN", m);
    r.get("state_size", p_.state_size);
    r.get("num_layers", p_.num_layers);
    std::string mode;
    r.get("mode", mode);
    if (mode.empty()) throw ValueError("RNN: the required attribute 'mode' is missing");
    p_.mode = parse_rnn_mode(mode);
    r.get("bidirectional", p_.bidirectional);
    r.get("p", p_.p);
    r.get("state_outputs", p_.state_outputs);
    for (const char* ignored : {"projection_size", "lstm_state_clip_min", "lstm_state_clip_max"})
      if (auto v = r.find(ignored); v && attr::trim(*v) != "None")
        throw ValueError(std::string("RNN: ") + ignored + " is not supported");
    bool b = false;
    r.get("lstm_state_clip_nan", b);
    r.get("use_sequence_length", b);
    if (b) throw ValueError("RNN: use_sequence_length=True is not supported");
    r.finish();
    check();
  }
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
  AttrMap attrs() const override {
    AttrMap m{{"state_size", attr::format(p_.state_size)},
              {"num_layers", attr::format(p_.num_layers)},
              {"mode", rnn_mode_name(p_.mode)}};
    if (p_.bidirectional) m["bidirectional"] = attr::format(true);
    if (p_.p != 0) m["p"] = attr::format(p_.p);
    if (p_.state_outputs) m["state_outputs"] = attr::format(true);
    return m;
  }
  void infer_shape(ShapeCtx& c) const override {
    const Shape& d = c.in(0);
    if (!d.rank_known()) return;
    if (d.ndim() != 3) ShapeCtx::fail(c.in_name(0) + " must be (T, N, C) (layout TNC), got " + d.str());
    auto lay = rnn_layout(p_, d[2]);
    const std::int64_t LD = p_.num_layers * p_.dirs(), H = p_.state_size;
    if (d[2] >= 0) c.assign_in(1, Shape{lay.total()}, "the packed parameters of this RNN");
    Shape st{LD, d[1], H};
    c.assign_in(2, st, "state (num_layers·directions, batch, state_size)");
    if (p_.mode == RNNMode::lstm) c.assign_in(3, st, "state_cell (num_layers·directions, batch, state_size)");
    c.assign_out(0, Shape{d[0], d[1], p_.dirs() * H});
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
  std::string gpu_unsupported() const override;  // rnn_gpu.hpp
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override;
#endif

 private:
  void check() const {
    if (p_.state_size < 1 || p_.num_layers < 1)
      throw ValueError("RNN: state_size and num_layers must be at least 1");
    if (!(p_.p >= 0 && p_.p < 1)) throw ValueError("RNN: p must be in [0, 1)");
  }
  RNNParam p_;
  friend class RNNBackward;
};

}  // namespace ops
}  // namespace symgrad

#include "rnn_kernels.hpp"
