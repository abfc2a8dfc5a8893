// The RNN operator's backward pass: per layer from the top and per direction, back through time
// (one hidden GEMM per step for dh, the gate derivatives elementwise), then the input side of all
// steps at once (two GEMMs). Scratch memory comes from the executor's workspace.
#pragma once
#include <algorithm>
#include <cstring>
#include <span>
#include "rnn_kernels-inl.hpp"

namespace SYMGRAD_NS::ops {

class RNNBackward final : public Operator {
 public:
  ~RNNBackward() override;  // the key function: vtable and kernels are compiled with the unit
  RNNBackward(RNNParam p, bool has_dhy, bool has_dcy) : p_(std::move(p)), dhy_(has_dhy), dcy_(has_dcy) {}
  std::string type_name() const override { return "_backward_RNN"; }
  bool lstm() const { return p_.mode == RNNMode::lstm; }
  std::vector<std::string> arguments() const override {
    std::vector<std::string> a{"ograd", "data", "parameters", "state"};
    if (lstm()) a.push_back("state_cell");
    a.push_back("reserve");
    if (dhy_) a.push_back("state_grad");
    if (dcy_) a.push_back("state_cell_grad");
    return a;
  }
  std::vector<std::string> outputs() const override {
    if (lstm()) return {"data_grad", "parameters_grad", "state_grad", "state_cell_grad"};
    return {"data_grad", "parameters_grad", "state_grad"};
  }
  void infer_shape(ShapeCtx& c) const override {
    for (std::size_t i = 0; i < c.num_out(); ++i) c.assign_out(i, c.in(i + 1));
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  std::size_t workspace_bytes(const std::vector<Shape>& in, const std::vector<Shape>&,
                              DType t) const override {
    const Shape& x = in[1];
    const std::int64_t T = x[0], N = x[1], H = p_.state_size, G = rnn_gates(p_.mode), D = p_.dirs();
    return static_cast<std::size_t>(T * N * G * H + N * G * H + 4 * N * H + 2 * T * N * D * H) *
           dtype_size(t);
  }
  void forward(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    dispatch_float(in[0].dtype(), "RNN", [&](auto tag) { run<decltype(tag)>(ctx, in, out, req); });
  }
#if SYMGRAD_WITH_CUDA
  std::string gpu_unsupported() const override;  // rnn_gpu.hpp
  void forward_gpu(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
                   std::span<const OpReq> req) const override;
#endif

 private:
  template <class T>
  void run(const RunCtx& ctx, std::span<const NDArray> in, std::span<const NDArray> out,
           std::span<const OpReq> req) const {
    const bool is_lstm = lstm();
    const Shape& xs = in[1].shape();
    auto lay = rnn_layout(p_, xs[2]);
    const std::int64_t Tn = xs[0], N = xs[1], H = p_.state_size, G = lay.G, D = p_.dirs(), L = p_.num_layers,
                       GH = G * H;
    RNNReserve rv{Tn, N, G, H, L, D};
    std::size_t k = 4 + (is_lstm ? 1 : 0);
    const T* res = in[k++].data<T>();
    const T* dhy = dhy_ ? in[k++].data<T>() : nullptr;
    const T* dcy = dcy_ ? in[k++].data<T>() : nullptr;
    const T *dy_top = in[0].data<T>(), *x = in[1].data<T>(), *w = in[2].data<T>(), *h0 = in[3].data<T>();
    const T* c0 = is_lstm ? in[4].data<T>() : nullptr;
    auto target = [&](std::size_t i) -> T* {
      if (req[i] == OpReq::null) return nullptr;
      if (req[i] == OpReq::write) std::memset(out[i].raw_data(), 0, out[i].nbytes());
      return out[i].data<T>();
    };
    T* dx = target(0);
    T* dw = target(1);
    T* dh0 = target(2);
    T* dc0 = is_lstm ? target(3) : nullptr;
    if (ctx.workspace_bytes < workspace_bytes({Shape{}, xs}, {}, in[0].dtype()))
      throw Error("internal: RNN backward got too little workspace");
    T* dG = static_cast<T*>(ctx.workspace);
    T* dGh = dG + Tn * N * GH;
    T* dh = dGh + N * GH;
    T* dc = dh + N * H;
    T* direct = dc + N * H;
    T* bufA = direct + 2 * N * H;
    T* bufB = bufA + Tn * N * D * H;
    const T* dY = dy_top;
    for (std::int64_t l = L - 1; l >= 0; --l) {
      const T* X = l == 0 ? x : res + rv.layer_out(l - 1);
      const std::int64_t in_dim = lay.in(l);
      T* dX = l == 0 ? dx : bufB;
      if (l > 0) std::fill_n(bufB, Tn * N * D * H, T(0));
      for (std::int64_t d = 0; d < D; ++d) {
        const T* gates = res + rv.gates(l, d);
        const T* cell = res + rv.cell(l, d);
        const T* hnr = res + rv.hn(l, d);
        const T* hid = res + rv.hidden(l, d);
        const T *Wi = w + lay.w_i2h(l, d), *Wh = w + lay.w_h2h(l, d);
        T* dWi = dw ? dw + lay.w_i2h(l, d) : nullptr;
        T* dWh = dw ? dw + lay.w_h2h(l, d) : nullptr;
        T* dbi = dw ? dw + lay.b_i2h(l, d) : nullptr;
        T* dbh = dw ? dw + lay.b_h2h(l, d) : nullptr;
        const std::int64_t sidx = (l * D + d) * N * H;
        if (dhy)
          std::copy_n(dhy + sidx, N * H, dh);
        else
          std::fill_n(dh, N * H, T(0));
        if (dcy)
          std::copy_n(dcy + sidx, N * H, dc);
        else
          std::fill_n(dc, N * H, T(0));
        for (std::int64_t s = 0; s < Tn; ++s) {
          const std::int64_t t = d == 0 ? Tn - 1 - s : s;
          const bool first = d == 0 ? t == 0 : t == Tn - 1;
          const std::int64_t tp = d == 0 ? t - 1 : t + 1;
          const T* h_prev = first ? h0 + sidx : hid + tp * N * H;
          const T* c_prev = is_lstm ? (first ? c0 + sidx : cell + tp * N * H) : nullptr;
          const T* g = gates + t * N * GH;
          T* dg = dG + t * N * GH;
          const T* dYt = dY + t * N * D * H + d * H;
          const T* cell_t = cell + t * N * H;
          const T* hn_t = hnr + t * N * H;
          const RNNMode mode = p_.mode;
          auto row = [&](std::int64_t n, std::int64_t j, auto tag) {
            using V = typename decltype(tag)::type;
            using host::load, host::store;
            const V one = host::broadcast<V>(T(1));
            const std::int64_t q = n * H + j, gq = n * GH + j;
            const V dhv = load<V>(dh + q) + load<V>(dYt + n * D * H + j);
            switch (mode) {
              case RNNMode::lstm: {
                V i = load<V>(g + gq), f = load<V>(g + gq + H), gg = load<V>(g + gq + 2 * H),
                  o = load<V>(g + gq + 3 * H);
                V tc = rnn_detail::tanh_v(load<V>(cell_t + q));
                V dct = load<V>(dc + q) + dhv * o * (one - tc * tc);
                store(dg + gq, dct * gg * i * (one - i));
                store(dg + gq + H, dct * load<V>(c_prev + q) * f * (one - f));
                store(dg + gq + 2 * H, dct * i * (one - gg * gg));
                store(dg + gq + 3 * H, dhv * tc * o * (one - o));
                store(dc + q, dct * f);
                break;
              }
              case RNNMode::gru: {
                V r = load<V>(g + gq), z = load<V>(g + gq + H), nn = load<V>(g + gq + 2 * H);
                V hv = load<V>(hn_t + q), hp = load<V>(h_prev + q);
                V dnp = dhv * (one - z) * (one - nn * nn);
                V dr = dnp * hv * r * (one - r), dz = dhv * (hp - nn) * z * (one - z);
                store(dg + gq, dr), store(dg + gq + H, dz), store(dg + gq + 2 * H, dnp);
                store(dGh + gq, dr), store(dGh + gq + H, dz), store(dGh + gq + 2 * H, dnp * r);
                store(direct + q, dhv * z);
                break;
              }
              case RNNMode::rnn_tanh: {
                V a = load<V>(g + gq);
                store(dg + gq, dhv * (one - a * a));
                break;
              }
              case RNNMode::rnn_relu: {
                V a = load<V>(g + gq);
                if constexpr (host::is_batch<V>::value)
                  store(dg + gq, xsimd::select(a > V(T(0)), dhv, V(T(0))));
                else
                  store(dg + gq, a > T(0) ? dhv : T(0));
                break;
              }
            }
          };
          const std::size_t grain = static_cast<std::size_t>(std::max<std::int64_t>(1, 16384 / GH));
          host::parallel_for(static_cast<std::size_t>(N), grain, 1, [&](std::size_t nb, std::size_t ne) {
            constexpr std::int64_t Lw = static_cast<std::int64_t>(host::lanes<T>());
            for (auto n = static_cast<std::int64_t>(nb); n < static_cast<std::int64_t>(ne); ++n) {
              std::int64_t j = 0;
              if constexpr (host::has_simd<T>)
                for (; j + Lw <= H; j += Lw) row(n, j, std::type_identity<host::Batch<T>>{});
              for (; j < H; ++j) row(n, j, std::type_identity<T>{});
            }
          });
          const T* gh = p_.mode == RNNMode::gru ? dGh : dg;
          if (dWh && p_.mode == RNNMode::gru) {  // other modes: one GEMM over all steps below
            host::gemm<T>(true, false, GH, H, N, T(1), gh, GH, h_prev, H, T(1), dWh, H);
            rnn_detail::col_sums(dbh, gh, N, GH, GH);
          }
          host::gemm<T>(false, false, N, H, GH, T(1), gh, GH, Wh, H, T(0), dh, H);
          if (p_.mode == RNNMode::gru)
            for (std::int64_t q = 0; q < N * H; ++q) dh[q] += direct[q];
        }
        if (dh0)
          for (std::int64_t q = 0; q < N * H; ++q) dh0[sidx + q] += dh[q];
        if (dc0)
          for (std::int64_t q = 0; q < N * H; ++q) dc0[sidx + q] += dc[q];
        // The hidden weights' gradient of every step at once: step t pairs with the state before
        // it (t-1 forward, t+1 backward in time; the initial state at the first step).
        if (dWh && p_.mode != RNNMode::gru) {
          const std::int64_t NH = N * H, NG = N * GH;
          if (Tn > 1) {
            if (d == 0)
              host::gemm<T>(true, false, GH, H, (Tn - 1) * N, T(1), dG + NG, GH, hid, H, T(1), dWh, H);
            else
              host::gemm<T>(true, false, GH, H, (Tn - 1) * N, T(1), dG, GH, hid + NH, H, T(1), dWh, H);
          }
          const T* dg_first = d == 0 ? dG : dG + (Tn - 1) * NG;
          host::gemm<T>(true, false, GH, H, N, T(1), dg_first, GH, h0 + sidx, H, T(1), dWh, H);
          rnn_detail::col_sums(dbh, dG, Tn * N, GH, GH);
        }
        // The input side of every step at once.
        if (dWi) {
          host::gemm<T>(true, false, GH, in_dim, Tn * N, T(1), dG, GH, X, in_dim, T(1), dWi, in_dim);
          rnn_detail::col_sums(dbi, dG, Tn * N, GH, GH);
        }
        if (dX) host::gemm<T>(false, false, Tn * N, in_dim, GH, T(1), dG, GH, Wi, in_dim, T(1), dX, in_dim);
      }
      if (l > 0) {  // through the dropout between layers
        const T* mask = res + rv.mask(l - 1);
        for (std::int64_t q = 0; q < Tn * N * D * H; ++q) bufA[q] = bufB[q] * mask[q];
        dY = bufA;
      }
    }
  }

  RNNParam p_;
  bool dhy_, dcy_;
};

}  // namespace SYMGRAD_NS::ops
