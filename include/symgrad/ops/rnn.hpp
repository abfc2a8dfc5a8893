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
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "../core/error.hpp"
#include "../symbol/compose.hpp"
#include "choice.hpp"

namespace SYMGRAD_NS {
namespace ops {

enum class RNNMode { lstm, gru, rnn_tanh, rnn_relu };
template <>
inline constexpr std::array<std::string_view, 4> enum_names<RNNMode>{"lstm", "gru", "rnn_tanh", "rnn_relu"};
inline std::string rnn_mode_name(RNNMode m) { return std::string(Choice<RNNMode>(m).name()); }
inline RNNMode parse_rnn_mode(std::string_view s) {
  Choice<RNNMode> c(s);
  if (!c.valid())
    throw ValueError("RNN: mode must be one of " + c.spellings() + ", got '" + std::string(s) + "'");
  return c;
}
constexpr int rnn_gates(RNNMode m) { return m == RNNMode::lstm ? 4 : (m == RNNMode::gru ? 3 : 1); }

// The parameters in MXNet's order (sym::RNNOptions); `name` names the node and is not an
// attribute. projection_size, the LSTM state clipping and use_sequence_length are accepted only
// at their defaults. The attribute table is in ops/rnn-inl.hpp.
struct RNNParam {
  std::int64_t state_size = 0;
  std::int64_t num_layers = 1;
  bool bidirectional = false;
  Choice<RNNMode> mode = RNNMode::lstm;  // or by name: .mode = "gru"
  double p = 0.0;
  bool state_outputs = false;
  std::optional<std::int64_t> projection_size = {};
  std::optional<double> lstm_state_clip_min = {}, lstm_state_clip_max = {};
  bool lstm_state_clip_nan = false;
  bool use_sequence_length = false;
  std::string name = {};
  int dirs() const { return bidirectional ? 2 : 1; }
};

// Sizes of the packed parameter vector and of the per-(layer, direction) blocks.
struct RNNLayout {
  std::int64_t G, H, L, D, C;
  std::int64_t in(std::int64_t l) const { return l == 0 ? C : D * H; }
  // Checked (a ShapeError when it does not fit in int64), in closed form: L comes from a file.
  std::int64_t total() const {
    const std::int64_t GH = mul_size(G, H), tail = add_size(mul_size(GH, H), mul_size(2, GH));
    const std::int64_t first = mul_size(D, add_size(mul_size(GH, C), tail));
    const std::int64_t rest = mul_size(D, add_size(mul_size(GH, mul_size(D, H)), tail));
    return add_size(first, mul_size(L - 1, rest));
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
  std::int64_t total() const {  // mask(L - 1), checked
    const std::int64_t block = mul_size(mul_size(T, N), add_size(mul_size(G, H), mul_size(3, H)));
    const std::int64_t per = mul_size(mul_size(mul_size(T, N), D), H);
    return add_size(mul_size(mul_size(L, D), block), mul_size(mul_size(2, L - 1), per));
  }
};

// Operator classes (ops/rnn-inl.hpp).
class RNN;
class RNNBackward;

}  // namespace ops
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS::sym {
using RNNOptions = ops::RNNParam;
// RNN(data (T,N,C), parameters, state, state_cell): empty symbols become variables
// <name>_parameters, <name>_state, <name>_state_cell.
Symbol rnn(const Symbol& data, const Symbol& parameters, const Symbol& state, const Symbol& state_cell,
           const RNNOptions& o);
Symbol rnn(const Symbol& data, const RNNOptions& o);
Symbol RNN(const Symbol& data, const RNNOptions& o);
}  // namespace SYMGRAD_NS::sym
