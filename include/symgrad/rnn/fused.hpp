// FusedRNNCell: the whole (possibly stacked, bidirectional) recurrence as one RNN operator, with
// one packed parameter vector <prefix>parameters, as mx.rnn.FusedRNNCell. unfuse() gives the
// equivalent SequentialRNNCell of ordinary cells (<prefix>l0_, <prefix>r0_ ...);
// unpack_weights / pack_weights convert parameters between the two.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>
#include "../ops/rnn.hpp"
#include "modifiers.hpp"

namespace SYMGRAD_NS::rnn {

struct FusedRNNOptions {
  std::int64_t num_layers = 1;
  std::string mode = "lstm";  // lstm, gru, rnn_tanh, rnn_relu
  bool bidirectional = false;
  double dropout = 0.0;
  bool get_next_state = false;
  double forget_bias = 1.0;
  std::string prefix = {};  // default "<mode>_"
  std::shared_ptr<RNNParams> params = {};
};

class FusedRNNCell : public BaseRNNCell {
 public:
  FusedRNNCell(std::int64_t num_hidden, const FusedRNNOptions& o = {})
      : BaseRNNCell(o.prefix.empty() ? o.mode + "_" : o.prefix, o.params), h_(num_hidden), o_(o) {
    mode_ = ops::parse_rnn_mode(o.mode);
    // MXNet's FusedRNN initializer JSON, keys in its order
    std::string init = "[\"fusedrnn\", {\"init\": null, \"num_hidden\": " + std::to_string(num_hidden) +
                       ", \"num_layers\": " + std::to_string(o.num_layers) + ", \"mode\": \"" + o.mode +
                       "\", \"bidirectional\": " + std::string(o.bidirectional ? "true" : "false") +
                       ", \"forget_bias\": " + attr::format(o.forget_bias) + "}]";
    param_ = params_->get("parameters", {.init = init});
  }
  std::vector<StateInfo> state_info() const override;
  std::pair<Symbol, States> operator()(const Symbol&, const States&) override;
  // The equivalent stack of ordinary cells, sharing this cell's parameter names by prefix.
  SequentialRNNCell unfuse() const;
  // <prefix>parameters -> the unfused cells' <prefix>l0_i2h_weight ... (input size C of layer 0).
  std::map<std::string, NDArray> unpack_weights(const NDArray& packed, std::int64_t input_size) const;
  NDArray pack_weights(const std::map<std::string, NDArray>& parts, std::int64_t input_size) const;
  const Symbol& parameter() const { return param_; }

 protected:
  // As MXNet: the sequence (T, N, C) for the operator, swapped from NTC or joined from steps.
  UnrollResult unroll_sequence(std::int64_t length, const Symbol& inputs, const UnrollOptions& o) override;
  UnrollResult unroll_steps(std::int64_t length, std::vector<Symbol> inputs, const UnrollOptions& o) override;

 private:
  static Symbol swap01(const Symbol& x);
  UnrollResult run(std::int64_t length, const Symbol& seq, const UnrollOptions& o);
  ops::RNNLayout layout(std::int64_t c) const {
    return ops::rnn_layout({.state_size = h_,
                            .num_layers = o_.num_layers,
                            .bidirectional = o_.bidirectional,
                            .mode = mode_,
                            .p = o_.dropout},
                           c);
  }
  void check_packed(const NDArray& p, const ops::RNNLayout& lay) const;
  template <class F>
  void for_each_block(const ops::RNNLayout& lay, F&& f) const {
    for (std::int64_t l = 0; l < lay.L; ++l)
      for (std::int64_t d = 0; d < lay.D; ++d) {
        std::string p = prefix_ + (d == 0 ? "l" : "r") + std::to_string(l) + "_";
        f(p + "i2h_weight", lay.w_i2h(l, d), Shape{lay.G * lay.H, lay.in(l)});
        f(p + "h2h_weight", lay.w_h2h(l, d), Shape{lay.G * lay.H, lay.H});
        f(p + "i2h_bias", lay.b_i2h(l, d), Shape{lay.G * lay.H});
        f(p + "h2h_bias", lay.b_h2h(l, d), Shape{lay.G * lay.H});
      }
  }
  std::int64_t h_;
  FusedRNNOptions o_;
  ops::RNNMode mode_;
  Symbol param_;
};

}  // namespace SYMGRAD_NS::rnn
