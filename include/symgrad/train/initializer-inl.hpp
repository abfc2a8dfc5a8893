// Definitions of train/initializer.hpp.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>
#include "initializer.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_TRAIN_INITIALIZER)
namespace SYMGRAD_NS::init {

namespace detail {
// Whether a value nests deeper than `limit`, found without recursion: the JSON comes from files
// (a symbol's __init__ attribute), and the code below walks and prints values recursively.
inline bool nested_deeper_than(const nlohmann::json& v, std::size_t limit) {
  std::vector<std::pair<const nlohmann::json*, std::size_t>> stack{{&v, 1}};
  while (!stack.empty()) {
    auto [p, d] = stack.back();
    stack.pop_back();
    if (d > limit) return true;
    if (p->is_structured())
      for (const auto& c : *p) stack.emplace_back(&c, d + 1);
  }
  return false;
}
}  // namespace detail

SYMGRAD_INLINE std::shared_ptr<Initializer> create(const std::string& json_or_name) {
  const auto start = json_or_name.find_first_not_of(" \t\r\n");
  const char first = start == std::string::npos ? '\0' : json_or_name[start];
  if (first != '[' && first != '{') {
    if (json_or_name.empty())
      throw ValueError(
          "init::create: the initializer name is empty; give a registry name such as \"xavier\" or an "
          "initializer's dumps()");
    return detail::make(json_or_name, nlohmann::json::object(), "'" + json_or_name + "'");
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_or_name);
  } catch (const nlohmann::json::parse_error& e) {
    throw ValueError("init::create: " + json_or_name + " is not valid JSON: " + e.what());
  }
  if (detail::nested_deeper_than(j, 32))
    throw ValueError("init::create: the initializer's JSON is nested more than 32 levels deep");
  if (j.is_array()) {
    if (j.size() != 2 || !j[0].is_string())
      throw ValueError("init::create: expected [name, {kwargs}] as written by dumps(), got " + json_or_name);
    return detail::make(j[0].get<std::string>(), j[1], json_or_name);
  }
  auto it = j.find("initializer");
  if (it == j.end() || !it->is_string())
    throw ValueError("init::create: a JSON object needs a string \"initializer\" key with the name, got " +
                     json_or_name);
  const std::string name = it->get<std::string>();
  j.erase("initializer");
  return detail::make(name, j, json_or_name);
}
SYMGRAD_INLINE void Zero::init_weight(const InitDesc&, const NDArray& arr, nd::random::Generator&) const {
  arr.fill(0);
}
SYMGRAD_INLINE std::string Zero::name() const { return "zero"; }
SYMGRAD_INLINE void One::init_weight(const InitDesc&, const NDArray& arr, nd::random::Generator&) const {
  arr.fill(1);
}
SYMGRAD_INLINE std::string One::name() const { return "one"; }
SYMGRAD_INLINE void Constant::init_weight(const InitDesc& desc, const NDArray& arr,
                                          nd::random::Generator&) const {
  if (array_.is_none()) {
    arr.fill(scalar_);
  } else if (arr.shape() == array_.shape()) {
    arr.copy_from(array_);
  } else if (array_.size() == 1) {
    arr.fill(array_.at_flat(0));
  } else {
    throw ShapeError("init.Constant: cannot initialize '" + desc.name + "' of shape " + arr.shape().str() +
                     " with a value of shape " + array_.shape().str());
  }
}
SYMGRAD_INLINE std::string Constant::name() const { return "constant"; }
SYMGRAD_INLINE auto Constant::kwargs() const -> KwargList {
  return {{"value", array_.is_none() ? detail::json_float(scalar_) : nested_list()}};
}
SYMGRAD_INLINE std::string Constant::nested_list() const {  // numpy's tolist(), as json.dumps writes it
  const bool integral = array_.dtype() != DType::float32 && array_.dtype() != DType::float64;
  std::int64_t i = 0;
  std::function<std::string(int)> level = [&](int d) -> std::string {
    if (d == array_.ndim()) {
      double v = array_.at_flat(i++);
      return integral ? detail::json_number(v) : detail::json_float(v);
    }
    std::string s = "[";
    for (std::int64_t k = 0; k < array_.shape()[d]; ++k) s += (k ? ", " : "") + level(d + 1);
    return s + "]";
  };
  return level(0);
}
SYMGRAD_INLINE void Uniform::init_weight(const InitDesc& desc, const NDArray& arr,
                                         nd::random::Generator& gen) const {
  const double lo = -o_.scale, hi = o_.scale;
  detail::fill_random(arr, "init.Uniform", desc.name, [&] { return lo + (hi - lo) * gen.uniform01(); });
}
SYMGRAD_INLINE std::string Uniform::name() const { return "uniform"; }
SYMGRAD_INLINE auto Uniform::kwargs() const -> KwargList { return {{"scale", detail::json_float(o_.scale)}}; }
SYMGRAD_INLINE void Normal::init_weight(const InitDesc& desc, const NDArray& arr,
                                        nd::random::Generator& gen) const {
  detail::fill_random(arr, "init.Normal", desc.name, [&] { return o_.sigma * gen.normal01(); });
}
SYMGRAD_INLINE std::string Normal::name() const { return "normal"; }
SYMGRAD_INLINE auto Normal::kwargs() const -> KwargList { return {{"sigma", detail::json_float(o_.sigma)}}; }
SYMGRAD_INLINE double Xavier::scale_for(const std::string& name, const Shape& shape) const {
  if (shape.ndim() < 2)
    throw ValueError("Xavier initializer cannot be applied to vector " + name +
                     ". It requires at least 2D (its shape is " + shape.str() +
                     "); give it another initializer: var(\"" + name + "\", {.init = ...})");
  double hw = 1;
  for (int i = 2; i < shape.ndim(); ++i) hw *= static_cast<double>(shape[i]);
  const double fan_in = static_cast<double>(shape[1]) * hw, fan_out = static_cast<double>(shape[0]) * hw;
  const double factor = o_.factor_type == "avg"  ? (fan_in + fan_out) / 2
                        : o_.factor_type == "in" ? fan_in
                                                 : fan_out;
  return std::sqrt(o_.magnitude / factor);
}
SYMGRAD_INLINE void Xavier::init_weight(const InitDesc& desc, const NDArray& arr,
                                        nd::random::Generator& gen) const {
  const double s = scale_for(desc.name, arr.shape());
  if (o_.rnd_type == "uniform")
    detail::fill_random(arr, "init." + name(), desc.name, [&] { return -s + 2 * s * gen.uniform01(); });
  else
    detail::fill_random(arr, "init." + name(), desc.name, [&] { return s * gen.normal01(); });
}
SYMGRAD_INLINE std::string Xavier::name() const { return "xavier"; }
SYMGRAD_INLINE auto Xavier::kwargs() const -> KwargList {
  return {{"rnd_type", detail::json_string(o_.rnd_type)},
          {"factor_type", detail::json_string(o_.factor_type)},
          {"magnitude", detail::json_number(o_.magnitude)}};
}
SYMGRAD_INLINE std::string MSRAPrelu::name() const { return "msraprelu"; }
SYMGRAD_INLINE auto MSRAPrelu::kwargs() const -> KwargList {
  return {{"factor_type", detail::json_string(o_.factor_type)}, {"slope", detail::json_float(o_.slope)}};
}
namespace detail {
SYMGRAD_INLINE std::vector<double> thin_q(std::vector<double> a, std::int64_t m, std::int64_t n) {
  auto at = [&](std::vector<double>& x, std::int64_t i, std::int64_t j) -> double& {
    return x[static_cast<std::size_t>(i * n + j)];
  };
  std::vector<std::vector<double>> vs(static_cast<std::size_t>(n));
  std::vector<double> sign(static_cast<std::size_t>(n), 1.0);
  for (std::int64_t k = 0; k < n; ++k) {
    double norm = 0;
    for (std::int64_t i = k; i < m; ++i) norm += at(a, i, k) * at(a, i, k);
    norm = std::sqrt(norm);
    const double alpha = at(a, k, k) >= 0 ? -norm : norm;  // R[k][k]
    std::vector<double>& v = vs[static_cast<std::size_t>(k)];
    v.resize(static_cast<std::size_t>(m - k));
    double vv = 0;
    for (std::int64_t i = k; i < m; ++i)
      v[static_cast<std::size_t>(i - k)] = at(a, i, k) - (i == k ? alpha : 0);
    for (double x : v) vv += x * x;
    if (vv == 0) {  // a zero column: no reflection
      v.clear();
      continue;
    }
    if (alpha < 0) sign[static_cast<std::size_t>(k)] = -1;
    for (std::int64_t j = k; j < n; ++j) {
      double s = 0;
      for (std::int64_t i = k; i < m; ++i) s += v[static_cast<std::size_t>(i - k)] * at(a, i, j);
      s *= 2 / vv;
      for (std::int64_t i = k; i < m; ++i) at(a, i, j) -= s * v[static_cast<std::size_t>(i - k)];
    }
  }
  std::vector<double> q(static_cast<std::size_t>(m * n), 0.0);
  for (std::int64_t j = 0; j < n; ++j) at(q, j, j) = 1;
  for (std::int64_t k = n - 1; k >= 0; --k) {  // Q = H_0 ... H_{n-1} I[:, :n]
    const std::vector<double>& v = vs[static_cast<std::size_t>(k)];
    if (v.empty()) continue;
    double vv = 0;
    for (double x : v) vv += x * x;
    for (std::int64_t j = k; j < n; ++j) {
      double s = 0;
      for (std::int64_t i = k; i < m; ++i) s += v[static_cast<std::size_t>(i - k)] * at(q, i, j);
      s *= 2 / vv;
      for (std::int64_t i = k; i < m; ++i) at(q, i, j) -= s * v[static_cast<std::size_t>(i - k)];
    }
  }
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < n; ++j) at(q, i, j) *= sign[static_cast<std::size_t>(j)];
  return q;
}
}  // namespace detail
SYMGRAD_INLINE void Orthogonal::init_weight(const InitDesc& desc, const NDArray& arr,
                                            nd::random::Generator& gen) const {
  if (arr.ndim() < 1)
    throw ValueError("init.Orthogonal: cannot initialize '" + desc.name + "' of shape " + arr.shape().str() +
                     "; it needs at least one dimension");
  const std::int64_t nout = arr.shape()[0], nin = nout ? arr.size() / nout : 0;
  std::vector<double> w(static_cast<std::size_t>(nout * nin));
  for (double& x : w) x = o_.rand_type == "uniform" ? -1 + 2 * gen.uniform01() : gen.normal01();
  if (nout >= nin) {
    w = detail::thin_q(std::move(w), nout, nin);
  } else {  // orthonormal rows: the transpose of the Q of W^T
    std::vector<double> t(w.size());
    for (std::int64_t i = 0; i < nout; ++i)
      for (std::int64_t j = 0; j < nin; ++j)
        t[static_cast<std::size_t>(j * nout + i)] = w[static_cast<std::size_t>(i * nin + j)];
    t = detail::thin_q(std::move(t), nin, nout);
    for (std::int64_t i = 0; i < nout; ++i)
      for (std::int64_t j = 0; j < nin; ++j)
        w[static_cast<std::size_t>(i * nin + j)] = t[static_cast<std::size_t>(j * nout + i)];
  }
  std::size_t i = 0;
  detail::fill_random(arr, "init.Orthogonal", desc.name, [&] { return o_.scale * w[i++]; });
}
SYMGRAD_INLINE std::string Orthogonal::name() const { return "orthogonal"; }
SYMGRAD_INLINE auto Orthogonal::kwargs() const -> KwargList {
  return {{"scale", detail::json_float(o_.scale)}, {"rand_type", detail::json_string(o_.rand_type)}};
}
SYMGRAD_INLINE void Bilinear::init_weight(const InitDesc& desc, const NDArray& arr,
                                          nd::random::Generator&) const {
  if (arr.ndim() != 4)
    throw ValueError("init.Bilinear: '" + desc.name + "' has shape " + arr.shape().str() +
                     "; the bilinear kernel needs a 4-D (out, in, kh, kw) weight");
  const std::int64_t kh = arr.shape()[2], kw = arr.shape()[3];
  const double f = std::ceil(static_cast<double>(kw) / 2), c = (2 * f - 1 - std::fmod(f, 2)) / (2 * f);
  std::int64_t i = 0;
  detail::fill_random(arr, "init.Bilinear", desc.name, [&] {
    const double x = static_cast<double>(i % kw), y = static_cast<double>((i / kw) % kh);
    ++i;
    return (1 - std::fabs(x / f - c)) * (1 - std::fabs(y / f - c));
  });
}
SYMGRAD_INLINE std::string Bilinear::name() const { return "bilinear"; }
SYMGRAD_INLINE void LSTMBias::init_weight(const InitDesc& desc, const NDArray& arr,
                                          nd::random::Generator&) const {
  if (arr.ndim() < 1)
    throw ValueError("init.LSTMBias: '" + desc.name + "' is a scalar; it needs the 4·num_hidden gate rows");
  arr.fill(0);
  const std::int64_t h = arr.shape()[0] / 4, row = arr.shape()[0] ? arr.size() / arr.shape()[0] : 0;
  dispatch_dtype(arr.dtype(), [&](auto x) {
    using T = decltype(x);
    std::fill_n(static_cast<T*>(arr.raw_data()) + h * row, h * row, static_cast<T>(forget_bias_));
  });
}
SYMGRAD_INLINE std::string LSTMBias::name() const { return "lstmbias"; }
SYMGRAD_INLINE auto LSTMBias::kwargs() const -> KwargList {
  return {{"forget_bias", detail::json_float(forget_bias_)}};
}
SYMGRAD_INLINE FusedRNN::FusedRNN(FusedRNNOptions o) : o_(std::move(o)) {
  gates_ = gate_names(o_.mode);
  if (o_.num_hidden <= 0 || o_.num_layers <= 0)
    throw ValueError("init.FusedRNN: num_hidden and num_layers must be positive, got " +
                     std::to_string(o_.num_hidden) + " and " + std::to_string(o_.num_layers));
}
SYMGRAD_INLINE void FusedRNN::init_weight(const InitDesc& desc, const NDArray& arr,
                                          nd::random::Generator& gen) const {
  const Initializer* inner = o_.init ? o_.init.get() : desc.global_init;
  if (!inner)
    throw ValueError("init.FusedRNN: '" + desc.name +
                     "' has no initializer for its weights: give FusedRNN an init, or "
                     "call it through another initializer (Module's)");
  const std::int64_t D = o_.bidirectional ? 2 : 1, G = static_cast<std::int64_t>(gates_.size()),
                     H = o_.num_hidden, L = o_.num_layers, per = D * G * H;
  // size = D·G·H·((C + H + 2) + (L-1)·(D·H + H + 2)): solve for the input size C.
  const std::int64_t c = arr.size() % per ? -1 : arr.size() / per - (L - 1) * (D * H + H + 2) - H - 2;
  if (arr.ndim() != 1 || c <= 0)
    throw ShapeError("init.FusedRNN: '" + desc.name + "' has shape " + arr.shape().str() +
                     ", which is no packed " + o_.mode + " parameter vector with num_hidden=" +
                     std::to_string(H) + ", num_layers=" + std::to_string(L) +
                     (o_.bidirectional ? ", bidirectional" : "") + " for any input size");
  const std::size_t esize = dtype_size(arr.dtype());
  std::int64_t off = 0;  // the pieces, walked in the packed order
  auto piece = [&](const std::string& name, const Shape& s, bool forget) {
    NDArray t(s, cpu(), arr.dtype());
    if (forget)
      t.fill(o_.forget_bias);
    else
      (*inner)(InitDesc{name, {}, desc.global_init ? desc.global_init : inner}, t, gen);
    std::memcpy(static_cast<char*>(arr.raw_data()) + static_cast<std::size_t>(off) * esize, t.raw_data(),
                t.nbytes());
    off += t.size();
  };
  auto dir = [](std::int64_t l, std::int64_t d) { return (d ? "r" : "l") + std::to_string(l) + "_"; };
  for (std::int64_t l = 0; l < L; ++l)
    for (std::int64_t d = 0; d < D; ++d)
      for (const char* group : {"i2h", "h2h"})
        for (const auto& g : gates_)
          piece(dir(l, d) + group + g + "_weight", Shape{H, group[0] == 'i' ? (l ? D * H : c) : H}, false);
  for (std::int64_t l = 0; l < L; ++l)
    for (std::int64_t d = 0; d < D; ++d)
      for (const char* group : {"i2h", "h2h"})
        for (const auto& g : gates_)
          piece(dir(l, d) + group + g + "_bias", Shape{H}, o_.mode == "lstm" && g == "_f");
}
SYMGRAD_INLINE std::string FusedRNN::name() const { return "fusedrnn"; }
SYMGRAD_INLINE auto FusedRNN::kwargs() const -> KwargList {
  return {{"init", o_.init ? detail::json_string(o_.init->dumps()) : "null"},
          {"num_hidden", std::to_string(o_.num_hidden)},
          {"num_layers", std::to_string(o_.num_layers)},
          {"mode", detail::json_string(o_.mode)},
          {"bidirectional", o_.bidirectional ? "true" : "false"},
          {"forget_bias", detail::json_float(o_.forget_bias)}};
}
SYMGRAD_INLINE std::vector<std::string> FusedRNN::gate_names(const std::string& mode) {
  if (mode == "lstm") return {"_i", "_f", "_c", "_o"};
  if (mode == "gru") return {"_r", "_z", "_o"};
  if (mode == "rnn_tanh" || mode == "rnn_relu") return {""};
  throw ValueError("init.FusedRNN: mode '" + mode + "' is not one of 'lstm', 'gru', 'rnn_tanh', 'rnn_relu'");
}
namespace detail {
SYMGRAD_INLINE NDArray constant_array(const nlohmann::json& v) {  // a nested JSON list, as float64
  Shape s = Shape::unknown_dims(0);
  std::vector<double> flat;
  std::function<void(const nlohmann::json&, int)> walk = [&](const nlohmann::json& x, int d) {
    if (x.is_number()) {
      if (d != s.ndim())
        throw ValueError("init::create: 'constant' value is a ragged nested list: " + v.dump());
      flat.push_back(x.get<double>());
      return;
    }
    if (!x.is_array())
      throw ValueError("init::create: 'constant' value must be a number or a nested list, got " + v.dump());
    if (s.ndim() <= d && flat.empty())
      s.push_back(static_cast<std::int64_t>(x.size()));
    else if (s.ndim() <= d || s[d] != static_cast<std::int64_t>(x.size()))
      throw ValueError("init::create: 'constant' value is a ragged nested list: " + v.dump());
    for (const auto& e : x) walk(e, d + 1);
  };
  walk(v, 0);
  return NDArray(flat, s);
}
SYMGRAD_INLINE const std::vector<Registered>& registry() {
  static const std::vector<Registered> r = {
      {"zero", [](Kwargs&) -> std::shared_ptr<Initializer> { return std::make_shared<Zero>(); }},
      {"zeros", [](Kwargs&) -> std::shared_ptr<Initializer> { return std::make_shared<Zero>(); }},
      {"one", [](Kwargs&) -> std::shared_ptr<Initializer> { return std::make_shared<One>(); }},
      {"ones", [](Kwargs&) -> std::shared_ptr<Initializer> { return std::make_shared<One>(); }},
      {"constant",
       [](Kwargs& k) -> std::shared_ptr<Initializer> {
         const auto& v = k.required("value");
         if (v.is_number()) return std::make_shared<Constant>(v.get<double>());
         return std::make_shared<Constant>(constant_array(v));
       }},
      {"uniform",
       [](Kwargs& k) -> std::shared_ptr<Initializer> {
         return std::make_shared<Uniform>(UniformOptions{k.number("scale", 0.07)});
       }},
      {"normal",
       [](Kwargs& k) -> std::shared_ptr<Initializer> {
         return std::make_shared<Normal>(NormalOptions{k.number("sigma", 0.01)});
       }},
      {"xavier",
       [](Kwargs& k) -> std::shared_ptr<Initializer> {
         XavierOptions o;
         o.rnd_type = k.string("rnd_type", o.rnd_type);
         o.factor_type = k.string("factor_type", o.factor_type);
         o.magnitude = k.number("magnitude", o.magnitude);
         return std::make_shared<Xavier>(o);
       }},
      {"msraprelu",
       [](Kwargs& k) -> std::shared_ptr<Initializer> {
         MSRAPreluOptions o;
         o.factor_type = k.string("factor_type", o.factor_type);
         o.slope = k.number("slope", o.slope);
         return std::make_shared<MSRAPrelu>(o);
       }},
      {"orthogonal",
       [](Kwargs& k) -> std::shared_ptr<Initializer> {
         OrthogonalOptions o;
         o.scale = k.number("scale", o.scale);
         o.rand_type = k.string("rand_type", o.rand_type);
         return std::make_shared<Orthogonal>(o);
       }},
      {"bilinear", [](Kwargs&) -> std::shared_ptr<Initializer> { return std::make_shared<Bilinear>(); }},
      {"lstmbias",
       [](Kwargs& k) -> std::shared_ptr<Initializer> {
         return std::make_shared<LSTMBias>(k.number("forget_bias", 1.0));
       }},
      {"fusedrnn",
       [](Kwargs& k) -> std::shared_ptr<Initializer> {
         FusedRNNOptions o;
         const auto& init = k.required("init");  // null, or the inner initializer's JSON string
         if (init.is_string())
           o.init = create(init.get<std::string>());
         else if (init.is_array())
           o.init = create(init.dump());
         else if (!init.is_null())
           throw ValueError(
               "init::create: 'fusedrnn' argument 'init' must be null or an initializer's JSON, got " +
               init.dump());
         o.num_hidden = k.integer("num_hidden");
         o.num_layers = k.integer("num_layers");
         const auto& mode = k.required("mode");
         if (!mode.is_string())
           throw ValueError("init::create: 'fusedrnn' argument 'mode' must be a string, got " + mode.dump());
         o.mode = mode.get<std::string>();
         o.bidirectional = k.boolean("bidirectional", false);
         o.forget_bias = k.number("forget_bias", 1.0);
         return std::make_shared<FusedRNN>(o);
       }},
  };
  return r;
}
SYMGRAD_INLINE std::shared_ptr<Initializer> make(const std::string& name, const nlohmann::json& kwargs,
                                                 const std::string& text) {
  const std::string key = lower(name);
  std::vector<std::string> known;
  for (const auto& r : registry()) {
    if (key == r.name) {
      Kwargs k(key, kwargs);
      auto init = r.make(k);
      k.finish();
      return init;
    }
    known.push_back(r.name);
  }
  throw NameError("init::create: '" + name + "' is not a registered initializer (from " + text +
                  "); known: " + symgrad::detail::quoted_list(known) + "." +
                  symgrad::detail::did_you_mean(key, known));
}
}  // namespace detail

}  // namespace SYMGRAD_NS::init
#endif
