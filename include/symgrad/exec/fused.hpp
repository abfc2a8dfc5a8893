// The typed elementwise expressions' kernels (symbol/typed_elemwise.hpp): when an expression
// becomes a Symbol, its root gets a kernel compiled from the expression's type, which computes
// the whole subtree from its leaves in one pass over memory, forward and backward (reverse mode
// per element, values cached in registers). Bind uses it when the inner nodes are used nowhere
// else (exec/fuse.hpp). These are templates over the user's expressions, so they live here.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../cpu/simd.hpp"
#include "../cpu/strided.hpp"
#include "../ops/broadcast.hpp"
#include "../ops/functors.hpp"
#include "../ops/operator.hpp"
#include "../symbol/typed_elemwise.hpp"
#include "fused_kernels.hpp"

namespace SYMGRAD_NS {

namespace fusion {

// The output of a fused expression is the broadcast of its leaves (equal shapes for purely
// elementwise ones); the typed layer has already checked that they combine.
inline void fused_shape_rule(ShapeCtx& c) {
  Shape out = c.in(0);
  for (std::size_t i = 1; i < c.num_in(); ++i) {
    auto r = ops::broadcast_rule(out, c.in(i));
    if (!r.ok)
      ShapeCtx::fail(c.in_name(i) + " has shape " + c.in(i).str() + ", which does not broadcast with " +
                     out.str());
    out = r.out;
  }
  c.assign_out(0, out);
}

inline bool all_same_shape(std::span<const NDArray> leaves, const Shape& s) {
  for (const auto& l : leaves)
    if (!(l.shape() == s)) return false;
  return true;
}

template <class K>
class FusedBackward final : public Operator {
 public:
  static constexpr int N = K::num_leaves;
  explicit FusedBackward(K k) : k_(k) {}
  std::string type_name() const override { return "_backward_fused[" + K::template describe<0>() + "]"; }
  std::vector<std::string> arguments() const override {
    std::vector<std::string> a{"ograd"};
    for (int i = 0; i < N; ++i) a.push_back("x" + std::to_string(i));
    return a;
  }
  std::vector<std::string> outputs() const override {
    std::vector<std::string> o;
    for (int i = 0; i < N; ++i) o.push_back("x" + std::to_string(i) + "_grad");
    return o;
  }
  void infer_shape(ShapeCtx& c) const override {
    for (std::size_t i = 0; i < c.num_out(); ++i) c.assign_out(i, c.in(i + 1));
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    ops::no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (!all_same_shape(in.subspan(1), in[0].shape())) {
      // Only expressions with a broadcast_* node have leaves of different shapes; the others
      // do not compile the strided path at all.
      if constexpr (K::broadcasts)
        return broadcast_backward(in, out, req);
      else
        throw Error("internal: leaves of different shapes in an elementwise fused kernel");
    }
    dispatch_float(in[0].dtype(), "fused elementwise kernel", [&](auto t) {
      using T = decltype(t);
      const T* g = in[0].data<T>();
      std::array<const T*, N> p;
      std::array<T*, N> d;
      std::array<OpReq, N> r;
      for (int k = 0; k < N; ++k) {
        p[k] = in[static_cast<std::size_t>(k) + 1].data<T>();
        r[k] = req[static_cast<std::size_t>(k)];
        d[k] = r[k] == OpReq::null ? nullptr : out[static_cast<std::size_t>(k)].data<T>();
      }
      host::elementwise<T>(static_cast<std::size_t>(in[0].size()), [&](std::size_t i, auto v) {
        using V = typename decltype(v)::type;
        auto cache = k_.template forward<0, V>(p, i);
        std::array<V, N> acc;
        k_.template backward<0, V>(cache, host::load<V>(g + i), acc);
        for (int k = 0; k < N; ++k) {
          if (r[k] == OpReq::write)
            host::store(d[k] + i, acc[k]);
          else if (r[k] == OpReq::add)
            host::store(d[k] + i, host::load<V>(d[k] + i) + acc[k]);
        }
      });
    });
  }

 private:
  // Leaves of different shapes: gradients are summed over each leaf's broadcast positions.
  // Runs on one thread (rows of a broadcast leaf share their gradient entries).
  void broadcast_backward(std::span<const NDArray> in, std::span<const NDArray> out,
                          std::span<const OpReq> req) const {
    dispatch_float(in[0].dtype(), "fused elementwise kernel", [&](auto t) {
      using T = decltype(t);
      const Shape& os = in[0].shape();
      std::array<host::Strides, N + 1> st;
      st[0] = host::contiguous_strides(os);
      for (int k = 0; k < N; ++k)
        st[static_cast<std::size_t>(k) + 1] =
            host::broadcast_strides(in[static_cast<std::size_t>(k) + 1].shape(), os);
      std::array<T*, N> d;
      for (int k = 0; k < N; ++k) {
        const auto j = static_cast<std::size_t>(k);
        d[k] = req[j] == OpReq::null ? nullptr : out[j].data<T>();
        if (req[j] == OpReq::write) std::memset(out[j].raw_data(), 0, out[j].nbytes());
      }
      const T* g = in[0].data<T>();
      host::StridedLoop<N + 1> loop(os, st);
      loop.for_each_row([&](const std::array<std::int64_t, N + 1>& off, std::int64_t n) {
        std::array<LeafPtr<T>, N> p;
        for (int k = 0; k < N; ++k)
          p[k] = {in[static_cast<std::size_t>(k) + 1].data<T>() + off[k + 1],
                  loop.inner_stride(static_cast<std::size_t>(k) + 1)};
        auto body = [&]<class V>(std::size_t i) {
          auto cache = k_.template forward<0, V>(p, i);
          std::array<V, N> acc;
          k_.template backward<0, V>(cache, host::load<V>(g + off[0] + i), acc);
          for (int k = 0; k < N; ++k) {
            if (!d[k]) continue;
            T* dk = d[k] + off[k + 1];
            const std::int64_t s = p[k].s;
            if constexpr (host::is_batch<V>::value) {
              if (s == 1) {
                host::store(dk + i, host::load<V>(dk + i) + acc[k]);
              } else if (s == 0) {
                dk[0] += xsimd::hadd(acc[k]);
              } else {
                alignas(64) T tmp[V::size];
                acc[k].store_aligned(tmp);
                for (std::size_t l = 0; l < V::size; ++l) dk[static_cast<std::int64_t>(i + l) * s] += tmp[l];
              }
            } else {
              dk[static_cast<std::int64_t>(i) * s] += acc[k];
            }
          }
        };
        constexpr std::size_t L = host::lanes<T>();
        std::size_t i = 0;
        const auto rn = static_cast<std::size_t>(n);
        if constexpr (host::has_simd<T>)
          for (; i + L <= rn; i += L) body.template operator()<host::Batch<T>>(i);
        for (; i < rn; ++i) body.template operator()<T>(i);
      });
    });
  }

  K k_;
};

template <class K>
class Fused final : public Operator {
 public:
  static constexpr int N = K::num_leaves;
  explicit Fused(K k) : k_(k) {}
  std::string type_name() const override { return "_fused[" + K::template describe<0>() + "]"; }
  std::vector<std::string> arguments() const override {
    std::vector<std::string> a;
    for (int i = 0; i < N; ++i) a.push_back("x" + std::to_string(i));
    return a;
  }
  void infer_shape(ShapeCtx& c) const override { fused_shape_rule(c); }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    std::vector<NodeEntry> ins{og[0]};
    ins.insert(ins.end(), n->inputs.begin(), n->inputs.end());
    auto b = ops::grad_node(std::make_shared<FusedBackward<K>>(k_), n, "backward", std::move(ins));
    std::vector<NodeEntry> g;
    for (int i = 0; i < N; ++i) g.push_back(ops::out_entry(b, static_cast<std::uint32_t>(i)));
    return g;
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    dispatch_float(out[0].dtype(), "fused elementwise kernel", [&](auto t) {
      using T = decltype(t);
      T* y = out[0].data<T>();
      const Shape& os = out[0].shape();
      if (all_same_shape(in, os)) {
        std::array<const T*, N> p;
        for (int k = 0; k < N; ++k) p[k] = in[static_cast<std::size_t>(k)].data<T>();
        host::for_each_req<T>(req[0], static_cast<std::size_t>(out[0].size()),
                              [&]<OpReq R, class V>(std::size_t i) {
                                host::store_req<R>(y + i, k_.template forward<0, V>(p, i).y);
                              });
        return;
      }
      if constexpr (!K::broadcasts) {
        throw Error("internal: leaves of different shapes in an elementwise fused kernel");
      } else {
        // Broadcasting: rows of the output, each leaf read with its own stride.
        std::array<host::Strides, N + 1> st;
        st[0] = host::contiguous_strides(os);
        for (int k = 0; k < N; ++k)
          st[static_cast<std::size_t>(k) + 1] =
              host::broadcast_strides(in[static_cast<std::size_t>(k)].shape(), os);
        host::StridedLoop<N + 1> loop(os, st);
        loop.for_each_row([&](const std::array<std::int64_t, N + 1>& off, std::int64_t n) {
          std::array<LeafPtr<T>, N> p;
          for (int k = 0; k < N; ++k)
            p[k] = {in[static_cast<std::size_t>(k)].data<T>() + off[k + 1],
                    loop.inner_stride(static_cast<std::size_t>(k) + 1)};
          T* yr = y + off[0];
          host::with_req(req[0], [&](auto R) {
            constexpr std::size_t L = host::lanes<T>();
            std::size_t i = 0;
            const auto rn = static_cast<std::size_t>(n);
            if constexpr (host::has_simd<T>)
              for (; i + L <= rn; i += L)
                host::store_req<decltype(R)::value>(yr + i, k_.template forward<0, host::Batch<T>>(p, i).y);
            for (; i < rn; ++i)
              host::store_req<decltype(R)::value>(yr + i, k_.template forward<0, T>(p, i).y);
          });
        });
      }
    });
  }

 private:
  K k_;
};

template <class K>
class FusionImpl final : public Fusion {
 public:
  FusionImpl(K k, std::vector<NodeEntry> leaves) : k_(k), leaves_(std::move(leaves)) {}
  std::vector<NodeEntry> leaves() const override { return leaves_; }
  std::shared_ptr<const OpBase> make_op() const override { return std::make_shared<Fused<K>>(k_); }

 private:
  K k_;
  std::vector<NodeEntry> leaves_;
};

// Gives the expression's root node its fused kernel (once) and returns the symbol.
template <class E>
Symbol attach(const E& e) {
  Node& root = *e.sym.entry().node;
  if (!root.fusion) {
    std::vector<NodeEntry> leaves;
    KernelOf<E>::leaves(e, leaves);
    root.fusion =
        std::make_shared<FusionImpl<typename KernelOf<E>::type>>(KernelOf<E>::make(e), std::move(leaves));
  }
  return e.sym;
}

}  // namespace fusion

template <class F, class A>
TUnary<F, A>::operator Symbol() const {
  return fusion::attach(*this);
}
template <class F, class A, class B>
TBinary<F, A, B>::operator Symbol() const {
  return fusion::attach(*this);
}
template <class F, class A>
TScalar<F, A>::operator Symbol() const {
  return fusion::attach(*this);
}
template <class F, class A, class B, class S>
TBroadcast<F, A, B, S>::operator Symbol() const {
  return fusion::attach(*this);
}

}  // namespace SYMGRAD_NS
