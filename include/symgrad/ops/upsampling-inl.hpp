// Operators and kernels of ops/upsampling.hpp.
#pragma once
#include <algorithm>
#include <array>
#include <memory>
#include <span>
#include <tuple>
#include <utility>

#include "../cpu/parallel.hpp"
#include "../symbol/compose.hpp"
#include "gpu_util.hpp"
#include "op_table.hpp"
#include "operator.hpp"
#include "upsampling.hpp"

namespace SYMGRAD_NS::ops {

namespace up_detail {
inline std::string describe(const UpSamplingParam& p) {
  std::string s =
      "scale=" + std::to_string(p.scale) + ", sample_type=" + (p.bilinear ? "bilinear" : "nearest");
  if (p.bilinear) s += ", num_filter=" + std::to_string(p.num_filter);
  if (p.sum) s += ", multi_input_mode=sum";
  return s;
}
// Sizes of one bilinear plane.
struct Geo {
  std::int64_t N, C, H, W, OH, OW, s, p, k;
};
inline Geo geometry(const Shape& x, const Shape& y, const UpSamplingParam& p) {
  return {x[0], x[1], x[2], x[3], y[2], y[3], p.scale, p.pad(), p.kernel()};
}
// Calls f(input offset, output offset, weight offset) for every pair of an input element and a
// kernel tap of one plane that lands inside the output: (y·s − p + a, x·s − p + b).
template <class F>
void for_each_tap(const Geo& g, F&& f) {
  for (std::int64_t i = 0; i < g.H; ++i)
    for (std::int64_t a = 0; a < g.k; ++a) {
      const std::int64_t oy = i * g.s - g.p + a;
      if (oy < 0 || oy >= g.OH) continue;
      for (std::int64_t j = 0; j < g.W; ++j)
        for (std::int64_t b = 0; b < g.k; ++b) {
          const std::int64_t ox = j * g.s - g.p + b;
          if (ox >= 0 && ox < g.OW) f(i * g.W + j, oy * g.OW + ox, a * g.k + b);
        }
    }
}
// Zero-fills for a write; an add accumulates onto what is there.
template <class T>
void prepare(const NDArray& a, OpReq req) {
  if (req == OpReq::write) std::fill_n(a.data<T>(), a.size(), T(0));
}
// {head, <prefix>0<suffix>, <prefix>1<suffix>, ...}: n numbered names after `head` (if any)
inline std::vector<std::string> names(std::vector<std::string> head, const char* prefix, std::size_t n,
                                      const char* suffix = "") {
  for (std::size_t i = 0; i < n; ++i) head.push_back(prefix + std::to_string(i) + suffix);
  return head;
}
}  // namespace up_detail

// inputs: ograd, then the forward inputs; outputs: one gradient per forward input
class UpSamplingBackward final : public Operator {
 public:
  ~UpSamplingBackward() override;  // the key function: vtable and kernels are compiled with the unit
  UpSamplingBackward(UpSamplingParam p, std::size_t n) : p_(p), n_(n) {}
  std::string type_name() const override { return "_backward_UpSampling"; }
  std::vector<std::string> arguments() const override { return up_detail::names({"ograd"}, "in", n_); }
  std::vector<std::string> outputs() const override { return up_detail::names({}, "in", n_, "_grad"); }
  void infer_shape(ShapeCtx& c) const override {
    for (std::size_t i = 0; i < n_; ++i) c.assign_out(i, c.in(i + 1));
  }
  std::vector<NodeEntry> gradient(const NodePtr&, const std::vector<NodeEntry>&) const override {
    no_second_order(*this);
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    dispatch_float(in[0].dtype(), "UpSampling", [&](auto t) {
      using T = decltype(t);
      const Shape& os = in[0].shape();
      const T* dy = in[0].data<T>();
      auto& pool = host::ThreadPool::instance();
      if (p_.bilinear) {
        const auto g = up_detail::geometry(in[1].shape(), os, p_);
        const std::int64_t IS = g.H * g.W, OS = g.OH * g.OW;
        const T *x = in[1].data<T>(), *w = in[2].data<T>();
        if (req[0] != OpReq::null) {  // dx[i] = Σ w[t]·dy[o] over the taps of i
          up_detail::prepare<T>(out[0], req[0]);
          T* dx = out[0].data<T>();
          pool.run(static_cast<std::size_t>(g.N * g.C), [&](std::size_t pl) {
            const T *wc = w + std::int64_t(pl) % g.C * g.k * g.k, *gp = dy + std::int64_t(pl) * OS;
            T* dxp = dx + std::int64_t(pl) * IS;
            up_detail::for_each_tap(
                g, [&](std::int64_t i, std::int64_t o, std::int64_t k) { dxp[i] += wc[k] * gp[o]; });
          });
        }
        if (req[1] != OpReq::null) {  // dw[c, t] = Σ_n data[n, c, i]·dy[n, c, o]
          up_detail::prepare<T>(out[1], req[1]);
          T* dw = out[1].data<T>();
          pool.run(static_cast<std::size_t>(g.C), [&](std::size_t c) {
            T* dwc = dw + std::int64_t(c) * g.k * g.k;
            for (std::int64_t nn = 0; nn < g.N; ++nn) {
              const T *xp = x + (nn * g.C + std::int64_t(c)) * IS,
                      *gp = dy + (nn * g.C + std::int64_t(c)) * OS;
              up_detail::for_each_tap(
                  g, [&](std::int64_t i, std::int64_t o, std::int64_t k) { dwc[k] += xp[i] * gp[o]; });
            }
          });
        }
        return;
      }
      std::int64_t coff = 0;  // the input's first channel in the output (concat)
      for (std::size_t q = 0; q < n_; ++q) {
        const Shape& xs = in[q + 1].shape();
        const std::int64_t C = xs[1], H = xs[2], W = xs[3], f = os[2] / H;
        if (req[q] != OpReq::null) {  // the sum of each f × f block of dy
          up_detail::prepare<T>(out[q], req[q]);
          T* dx = out[q].data<T>();
          pool.run(static_cast<std::size_t>(xs[0] * C), [&](std::size_t pl) {
            const std::int64_t nn = std::int64_t(pl) / C, c = std::int64_t(pl) % C + (p_.sum ? 0 : coff);
            const T* gp = dy + (nn * os[1] + c) * os[2] * os[3];
            T* dxp = dx + std::int64_t(pl) * H * W;
            for (std::int64_t oy = 0; oy < os[2]; ++oy)
              for (std::int64_t ox = 0; ox < os[3]; ++ox) dxp[oy / f * W + ox / f] += gp[oy * os[3] + ox];
          });
        }
        coff += C;
      }
    });
  }

 private:
  UpSamplingParam p_;
  std::size_t n_;
};

class UpSampling final : public Operator {
 public:
  ~UpSampling() override;  // the key function: vtable and kernels are compiled with the unit
  UpSampling(UpSamplingParam p, std::size_t n) : p_(p), n_(n) { check(); }
  UpSampling(const AttrMap& m, std::size_t n) : n_(n) {
    attr::Reader r("UpSampling", m);
    if (!r.find("scale")) throw ValueError("UpSampling: the required attribute 'scale' is missing");
    if (!r.find("sample_type"))
      throw ValueError("UpSampling: the required attribute 'sample_type' is missing (nearest or bilinear)");
    std::string type, mode = "concat";
    r.get("scale", p_.scale);
    r.get("sample_type", type);
    r.get("num_filter", p_.num_filter);
    r.get("multi_input_mode", mode);
    p_.num_args = static_cast<std::int64_t>(n);
    r.get("num_args", p_.num_args);
    r.get("workspace", p_.workspace);
    r.finish();
    p_.bilinear = parse_type(type);
    p_.sum = parse_mode(mode);
    check();
  }
  static bool parse_type(const std::string& t) {
    if (t != "nearest" && t != "bilinear")
      throw ValueError("UpSampling: sample_type must be 'nearest' or 'bilinear', got '" + t + "'");
    return t == "bilinear";
  }
  static bool parse_mode(const std::string& m) {
    if (m != "concat" && m != "sum")
      throw ValueError("UpSampling: multi_input_mode must be 'concat' or 'sum', got '" + m + "'");
    return m == "sum";
  }
  const UpSamplingParam& param() const { return p_; }
  std::string type_name() const override { return "UpSampling"; }
  std::vector<std::string> arguments() const override {
    if (p_.bilinear) return {"data", "weight"};
    return up_detail::names({}, "arg", n_);
  }
  AttrMap attrs() const override {
    AttrMap m{{"scale", attr::format(p_.scale)},
              {"sample_type", p_.bilinear ? "bilinear" : "nearest"},
              {"num_args", attr::format(p_.num_args)}};
    if (p_.num_filter != 0) m["num_filter"] = attr::format(p_.num_filter);
    if (p_.sum) m["multi_input_mode"] = "sum";
    if (p_.workspace != 512) m["workspace"] = attr::format(p_.workspace);
    return m;
  }
  void infer_shape(ShapeCtx& c) const override {
    std::vector<Shape> in;
    for (std::size_t i = 0; i < c.num_in(); ++i) in.push_back(c.in(i));
    auto r = upsampling_rule(in.data(), in.size(), p_);
    if (r.error)
      ShapeCtx::fail(c.in_name(r.input) + " " + in[r.input].str() + " with " + up_detail::describe(p_) +
                     ": " + r.error);
    if (p_.bilinear)
      c.assign_in(1, r.weight,
                  "bilinear upsampling with scale=" + std::to_string(p_.scale) + " (kernel " +
                      std::to_string(p_.kernel()) + ") of " + c.in_name(0) + " " + in[0].str());
    c.assign_out(0, r.out);
  }
  std::vector<NodeEntry> gradient(const NodePtr& n, const std::vector<NodeEntry>& og) const override {
    std::vector<NodeEntry> ins{og[0]};
    ins.insert(ins.end(), n->inputs.begin(), n->inputs.end());
    auto b =
        grad_node(std::make_shared<UpSamplingBackward>(p_, n->inputs.size()), n, "backward", std::move(ins));
    std::vector<NodeEntry> g;
    for (std::size_t i = 0; i < n->inputs.size(); ++i)
      g.push_back(out_entry(b, static_cast<std::uint32_t>(i)));
    return g;
  }
  void forward(const RunCtx&, std::span<const NDArray> in, std::span<const NDArray> out,
               std::span<const OpReq> req) const override {
    if (req[0] == OpReq::null) return;
    dispatch_float(in[0].dtype(), "UpSampling", [&](auto t) {
      using T = decltype(t);
      const Shape& os = out[0].shape();
      const std::int64_t N = os[0], OC = os[1], OH = os[2], OW = os[3];
      T* y = out[0].data<T>();
      if (p_.bilinear) {  // y[o] += data[i]·w[t] over the taps of each input element
        const auto g = up_detail::geometry(in[0].shape(), os, p_);
        const T *x = in[0].data<T>(), *w = in[1].data<T>();
        up_detail::prepare<T>(out[0], req[0]);
        host::ThreadPool::instance().run(static_cast<std::size_t>(N * g.C), [&](std::size_t pl) {
          const T *xp = x + std::int64_t(pl) * g.H * g.W, *wc = w + std::int64_t(pl) % g.C * g.k * g.k;
          T* yp = y + std::int64_t(pl) * OH * OW;
          up_detail::for_each_tap(
              g, [&](std::int64_t i, std::int64_t o, std::int64_t k) { yp[o] += xp[i] * wc[k]; });
        });
        return;
      }
      // nearest: output channel oc reads input q's channel; sum adds every input
      up_detail::prepare<T>(out[0], req[0]);
      host::ThreadPool::instance().run(static_cast<std::size_t>(N * OC), [&](std::size_t pl) {
        const std::int64_t nn = std::int64_t(pl) / OC, oc = std::int64_t(pl) % OC;
        T* yp = y + std::int64_t(pl) * OH * OW;
        std::int64_t coff = 0;
        for (std::size_t q = 0; q < in.size(); ++q) {
          const Shape& xs = in[q].shape();
          const std::int64_t C = xs[1], H = xs[2], W = xs[3], f = OH / H;
          const std::int64_t c = p_.sum ? oc : oc - coff;
          coff += C;
          if (c < 0 || c >= C) continue;
          const T* xp = in[q].data<T>() + (nn * C + c) * H * W;
          for (std::int64_t oy = 0; oy < OH; ++oy)
            for (std::int64_t ox = 0; ox < OW; ++ox) yp[oy * OW + ox] += xp[oy / f * W + ox / f];
        }
      });
    });
  }

 private:
  void check() const {
    if (p_.scale < 1)
      throw ValueError("UpSampling: scale must be a positive integer, got " + std::to_string(p_.scale));
    if (p_.num_args < 1)
      throw ValueError("UpSampling: num_args must be at least 1, got " + std::to_string(p_.num_args));
    if (p_.bilinear) {
      if (p_.num_filter < 1)
        throw ValueError(
            "UpSampling: bilinear upsampling needs num_filter = the number of channels of the data (it is a "
            "grouped deconvolution with one group per channel), e.g. num_filter=3 for (N, 3, H, W)");
      if (n_ != 2)
        throw ValueError("UpSampling: bilinear upsampling takes two inputs, data and weight; got " +
                         std::to_string(n_));
    } else if (n_ < 1 || static_cast<std::int64_t>(n_) != p_.num_args) {
      throw ValueError("UpSampling: num_args=" + std::to_string(p_.num_args) + " but there are " +
                       std::to_string(n_) + " inputs");
    }
  }
  UpSamplingParam p_;
  std::size_t n_;
};

// The registry's factory: the node's input count fixes the number of nearest inputs.
inline std::shared_ptr<const OpBase> upsampling_from_attrs(const AttrMap& m, std::size_t n) {
  return std::make_shared<UpSampling>(m, n);
}
}  // namespace SYMGRAD_NS::ops

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_UPSAMPLING)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE bool upsampling_is_bilinear(const std::string& sample_type) {
  return UpSampling::parse_type(sample_type);
}
}  // namespace SYMGRAD_NS::ops
#endif

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_UPSAMPLING)
namespace SYMGRAD_NS::sym {

SYMGRAD_INLINE Symbol upsampling(const std::vector<Symbol>& data, const UpSamplingOptions& o) {
  if (data.empty()) throw ValueError("upsampling: needs at least one input");
  const ops::UpSamplingParam p{o.scale,
                               ops::UpSampling::parse_type(o.sample_type),
                               o.num_filter,
                               ops::UpSampling::parse_mode(o.multi_input_mode),
                               std::int64_t(data.size()),
                               o.workspace};
  if (p.bilinear && data.size() > 2)
    throw ValueError("upsampling: bilinear takes data and an optional weight, not " +
                     std::to_string(data.size()) + " inputs");
  Symbol s = compose(std::make_shared<ops::UpSampling>(p, p.bilinear ? 2 : data.size()), data, o.name);
  if (p.bilinear) {  // as MXNet: a weight variable without an initializer gets the bilinear kernel
    const NodePtr& w = s.entries()[0].node->inputs[1].node;
    if (w->is_variable() && !w->attrs.count("__init__")) w->attrs["__init__"] = R"(["bilinear", {}])";
  }
  return s;
}
SYMGRAD_INLINE Symbol upsampling(const Symbol& data, const UpSamplingOptions& o) {
  return upsampling(std::vector<Symbol>{data}, o);
}
SYMGRAD_INLINE Symbol UpSampling(const std::vector<Symbol>& data, const UpSamplingOptions& o) {
  return upsampling(data, o);
}
SYMGRAD_INLINE Symbol UpSampling(const Symbol& data, const UpSamplingOptions& o) {
  return upsampling(data, o);
}
}  // namespace SYMGRAD_NS::sym
#endif

// Registry entries (ops/registry.hpp).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_UPSAMPLING)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE void register_upsampling(OpTable& t) { t["UpSampling"] = upsampling_from_attrs; }
}  // namespace SYMGRAD_NS::ops
#endif

// Key functions (see the classes above).
#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPS_UPSAMPLING)
namespace SYMGRAD_NS::ops {
SYMGRAD_INLINE UpSamplingBackward::~UpSamplingBackward() = default;
SYMGRAD_INLINE UpSampling::~UpSampling() = default;
}  // namespace SYMGRAD_NS::ops
#endif
