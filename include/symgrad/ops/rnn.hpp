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
#include <cstdint>
#include <string>
#include <string_view>

#include "../core/error.hpp"
#include "../symbol/compose.hpp"

namespace SYMGRAD_NS {
namespace ops {

enum class RNNMode { lstm, gru, rnn_tanh, rnn_relu };
inline const char* rnn_mode_name(RNNMode m) {
  switch (m) {
    case RNNMode::lstm:
      return "lstm";
    case RNNMode::gru:
      return "gru";
    case RNNMode::rnn_tanh:
      return "rnn_tanh";
    case RNNMode::rnn_relu:
      return "rnn_relu";
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

// Operator classes (ops/rnn-inl.hpp).
class RNN;
class RNNBackward;

}  // namespace ops
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS::sym {
struct RNNOptions {
  std::int64_t state_size;
  std::int64_t num_layers = 1;
  std::string mode = "lstm";  // lstm, gru, rnn_tanh, rnn_relu
  bool bidirectional = false;
  double p = 0.0;
  bool state_outputs = false;
  std::string name = {};
};
// RNN(data (T,N,C), parameters, state, state_cell): empty symbols become variables
// <name>_parameters, <name>_state, <name>_state_cell.
Symbol rnn(const Symbol& data, const Symbol& parameters, const Symbol& state, const Symbol& state_cell,
           const RNNOptions& o);
Symbol rnn(const Symbol& data, const RNNOptions& o);
Symbol RNN(const Symbol& data, const RNNOptions& o);
}  // namespace SYMGRAD_NS::sym
