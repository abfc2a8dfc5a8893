// MXNet 1.9.1's initializers (python/mxnet/initializer.py), each with MXNet's defaults, its
// dumps() string and its registry name for create():
//   Zero ("zero", "zeros"), One ("one", "ones"), Constant(value), Uniform{scale=0.07},
//   Normal{sigma=0.01}, Xavier{"uniform", "avg", 3}, MSRAPrelu{"avg", 0.25},
//   Orthogonal{1.414, "uniform"}, Bilinear, LSTMBias(forget_bias=1.0), FusedRNN{...};
// and the two that are not in the registry and have no JSON: Mixed (by name regex) and Load
// (from saved parameters).
// Number formats in dumps(): a float keyword prints as Python's repr of a float (0.07, 1.0);
// Xavier's magnitude, an int by default in MXNet, prints without a fraction when integral (3).
#pragma once
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <regex>

#include "../ndarray/io.hpp"
#include "init_base.hpp"

namespace symgrad::init {

// ------------------------------------------------------------------------------ fills

class Zero : public Initializer {
 public:
  void init_weight(const InitDesc&, const NDArray& arr, nd::random::Generator&) const override {
    arr.fill(0);
  }
  std::string name() const override { return "zero"; }
};

class One : public Initializer {
 public:
  void init_weight(const InitDesc&, const NDArray& arr, nd::random::Generator&) const override {
    arr.fill(1);
  }
  std::string name() const override { return "one"; }
};

// A scalar, or an array of the parameter's shape (its dumps() value is then a nested list).
class Constant : public Initializer {
 public:
  explicit Constant(double value) : scalar_(value) {}
  explicit Constant(NDArray value) : array_(std::move(value)) {
    if (array_.is_none()) throw ValueError("init.Constant: the value array is empty (none)");
  }
  void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator&) const override {
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
  std::string name() const override { return "constant"; }

 protected:
  KwargList kwargs() const override {
    return {{"value", array_.is_none() ? detail::json_float(scalar_) : nested_list()}};
  }

 private:
  std::string nested_list() const {  // numpy's tolist(), as json.dumps writes it
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
  double scalar_ = 0;
  NDArray array_;
};

// ------------------------------------------------------------------------------ random

struct UniformOptions {
  double scale = 0.07;
};
// U(-scale, scale).
class Uniform : public Initializer {
 public:
  explicit Uniform(const UniformOptions& o = {}) : o_(o) {}
  void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const override {
    const double lo = -o_.scale, hi = o_.scale;
    detail::fill_random(arr, "init.Uniform", desc.name, [&] { return lo + (hi - lo) * gen.uniform01(); });
  }
  std::string name() const override { return "uniform"; }

 protected:
  KwargList kwargs() const override { return {{"scale", detail::json_float(o_.scale)}}; }

 private:
  UniformOptions o_;
};

struct NormalOptions {
  double sigma = 0.01;
};
// N(0, sigma^2).
class Normal : public Initializer {
 public:
  explicit Normal(const NormalOptions& o = {}) : o_(o) {}
  void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const override {
    detail::fill_random(arr, "init.Normal", desc.name, [&] { return o_.sigma * gen.normal01(); });
  }
  std::string name() const override { return "normal"; }

 protected:
  KwargList kwargs() const override { return {{"sigma", detail::json_float(o_.sigma)}}; }

 private:
  NormalOptions o_;
};

struct XavierOptions {
  std::string rnd_type = "uniform";  // or "gaussian"
  std::string factor_type = "avg";   // or "in", "out"
  double magnitude = 3;
};
// fan_in = shape[1]·prod(shape[2:]), fan_out = shape[0]·prod(shape[2:]); factor = their mean, or
// one of them; s = sqrt(magnitude / factor); U(-s, s) or N(0, s^2).
class Xavier : public Initializer {
 public:
  explicit Xavier(const XavierOptions& o = {}) : o_(o) {
    if (o.rnd_type != "uniform" && o.rnd_type != "gaussian")
      throw ValueError("init.Xavier: Unknown random type '" + o.rnd_type +
                       "'; rnd_type is 'uniform' or 'gaussian'");
    if (o.factor_type != "avg" && o.factor_type != "in" && o.factor_type != "out")
      throw ValueError("init.Xavier: Incorrect factor type '" + o.factor_type +
                       "'; factor_type is 'avg', 'in' or 'out'");
  }
  // The bound (uniform) or standard deviation (gaussian) for an array of this shape.
  double scale_for(const std::string& name, const Shape& shape) const {
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
  void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const override {
    const double s = scale_for(desc.name, arr.shape());
    if (o_.rnd_type == "uniform")
      detail::fill_random(arr, "init." + name(), desc.name, [&] { return -s + 2 * s * gen.uniform01(); });
    else
      detail::fill_random(arr, "init." + name(), desc.name, [&] { return s * gen.normal01(); });
  }
  std::string name() const override { return "xavier"; }

 protected:
  KwargList kwargs() const override {
    return {{"rnd_type", detail::json_string(o_.rnd_type)},
            {"factor_type", detail::json_string(o_.factor_type)},
            {"magnitude", detail::json_number(o_.magnitude)}};
  }

 private:
  XavierOptions o_;
};

struct MSRAPreluOptions {
  std::string factor_type = "avg";
  double slope = 0.25;
};
// He et al.: Xavier("gaussian", factor_type, 2 / (1 + slope^2)).
class MSRAPrelu : public Xavier {
 public:
  explicit MSRAPrelu(const MSRAPreluOptions& o = {})
      : Xavier(
            {.rnd_type = "gaussian", .factor_type = o.factor_type, .magnitude = 2 / (1 + o.slope * o.slope)}),
        o_(o) {}
  std::string name() const override { return "msraprelu"; }

 protected:
  KwargList kwargs() const override {
    return {{"factor_type", detail::json_string(o_.factor_type)}, {"slope", detail::json_float(o_.slope)}};
  }

 private:
  MSRAPreluOptions o_;
};

namespace detail {

// The thin Q (m x n, m >= n, orthonormal columns) of A = QR, row-major, by Householder
// reflections in double precision. Columns are signed so that R has a positive diagonal, which
// makes Q Haar-distributed when A is Gaussian.
inline std::vector<double> thin_q(std::vector<double> a, std::int64_t m, std::int64_t n) {
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

struct OrthogonalOptions {
  double scale = 1.414;
  std::string rand_type = "uniform";  // or "normal"
};
// Saxe et al.: a random (nout, nin) matrix, nout = shape[0], nin = prod(shape[1:]), replaced by an
// orthonormal basis of its column space (tall or square: W^T W = I) or row space (wide: W W^T = I),
// times scale. MXNet takes it from an SVD; the QR factor here spans the same space.
class Orthogonal : public Initializer {
 public:
  explicit Orthogonal(const OrthogonalOptions& o = {}) : o_(o) {
    if (o.rand_type != "uniform" && o.rand_type != "normal")
      throw ValueError("init.Orthogonal: rand_type is 'uniform' or 'normal', got '" + o.rand_type + "'");
  }
  void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const override {
    if (arr.ndim() < 1)
      throw ValueError("init.Orthogonal: cannot initialize '" + desc.name + "' of shape " +
                       arr.shape().str() + "; it needs at least one dimension");
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
  std::string name() const override { return "orthogonal"; }

 protected:
  KwargList kwargs() const override {
    return {{"scale", detail::json_float(o_.scale)}, {"rand_type", detail::json_string(o_.rand_type)}};
  }

 private:
  OrthogonalOptions o_;
};

// ------------------------------------------------------------------------------ structured

// The bilinear upsampling kernel of a 4-D Deconvolution weight (f = ceil(kw/2)).
class Bilinear : public Initializer {
 public:
  void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator&) const override {
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
  std::string name() const override { return "bilinear"; }
};

// LSTMCell's i2h bias: zeros, and the forget gate's quarter (rows [H, 2H) of 4H, gates i f c o)
// set to forget_bias.
class LSTMBias : public Initializer {
 public:
  explicit LSTMBias(double forget_bias = 1.0) : forget_bias_(forget_bias) {}
  void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator&) const override {
    if (arr.ndim() < 1)
      throw ValueError("init.LSTMBias: '" + desc.name + "' is a scalar; it needs the 4·num_hidden gate rows");
    arr.fill(0);
    const std::int64_t h = arr.shape()[0] / 4, row = arr.shape()[0] ? arr.size() / arr.shape()[0] : 0;
    dispatch_dtype(arr.dtype(), [&](auto x) {
      using T = decltype(x);
      std::fill_n(static_cast<T*>(arr.raw_data()) + h * row, h * row, static_cast<T>(forget_bias_));
    });
  }
  std::string name() const override { return "lstmbias"; }

 protected:
  KwargList kwargs() const override { return {{"forget_bias", detail::json_float(forget_bias_)}}; }

 private:
  double forget_bias_;
};

struct FusedRNNOptions {
  std::shared_ptr<const Initializer> init = {};  // for the unpacked pieces; none: the caller's
  std::int64_t num_hidden = 0;
  std::int64_t num_layers = 1;
  std::string mode = "lstm";  // lstm, gru, rnn_tanh, rnn_relu
  bool bidirectional = false;
  double forget_bias = 1.0;
};
// FusedRNNCell's packed parameter vector, initialized piece by piece as the unfused cells' per-gate
// arrays l0_i2h_f_weight (H, in), ..., r0_h2h_o_bias (H): each weight by `init` (or the global
// initializer), each bias 0, and for LSTM every forget-gate bias (i2h and h2h) forget_bias.
class FusedRNN : public Initializer {
 public:
  explicit FusedRNN(FusedRNNOptions o) : o_(std::move(o)) {
    gates_ = gate_names(o_.mode);
    if (o_.num_hidden <= 0 || o_.num_layers <= 0)
      throw ValueError("init.FusedRNN: num_hidden and num_layers must be positive, got " +
                       std::to_string(o_.num_hidden) + " and " + std::to_string(o_.num_layers));
  }
  void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const override {
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
  std::string name() const override { return "fusedrnn"; }

 protected:
  KwargList kwargs() const override {
    return {{"init", o_.init ? detail::json_string(o_.init->dumps()) : "null"},
            {"num_hidden", std::to_string(o_.num_hidden)},
            {"num_layers", std::to_string(o_.num_layers)},
            {"mode", detail::json_string(o_.mode)},
            {"bidirectional", o_.bidirectional ? "true" : "false"},
            {"forget_bias", detail::json_float(o_.forget_bias)}};
  }

 private:
  static std::vector<std::string> gate_names(const std::string& mode) {
    if (mode == "lstm") return {"_i", "_f", "_c", "_o"};
    if (mode == "gru") return {"_r", "_z", "_o"};
    if (mode == "rnn_tanh" || mode == "rnn_relu") return {""};
    throw ValueError("init.FusedRNN: mode '" + mode +
                     "' is not one of 'lstm', 'gru', 'rnn_tanh', 'rnn_relu'");
  }
  FusedRNNOptions o_;
  std::vector<std::string> gates_;
};

// ------------------------------------------------------------------------------ composites

// Routes each parameter to the initializer of the first pattern that matches the start of its
// name (Python's re.match); the chosen initializer does the full dispatch (__init__, suffixes).
class Mixed : public Initializer {
 public:
  Mixed(std::vector<std::string> patterns, std::vector<std::shared_ptr<const Initializer>> initializers)
      : patterns_(std::move(patterns)), inits_(std::move(initializers)) {
    if (patterns_.size() != inits_.size())
      throw ValueError("init.Mixed: " + std::to_string(patterns_.size()) + " patterns but " +
                       std::to_string(inits_.size()) + " initializers; give one initializer per pattern");
    for (std::size_t i = 0; i < patterns_.size(); ++i) {
      if (!inits_[i])
        throw ValueError("init.Mixed: the initializer for pattern '" + patterns_[i] + "' is null");
      try {
        regex_.emplace_back(patterns_[i]);
      } catch (const std::regex_error& e) {
        throw ValueError("init.Mixed: pattern '" + patterns_[i] +
                         "' is not a valid regular expression: " + e.what());
      }
    }
  }
  void operator()(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const override {
    (*choose(desc.name))(desc, arr, gen);
  }
  void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const override {
    choose(desc.name)->init_weight(desc, arr, gen);
  }
  std::string name() const override { return "mixed"; }
  std::string dumps() const override {
    throw ValueError(
        "init.Mixed has no JSON form (MXNet's Mixed is not a registered initializer); use it directly");
  }

 private:
  const Initializer* choose(const std::string& name) const {
    for (std::size_t i = 0; i < regex_.size(); ++i)
      if (std::regex_search(name, regex_[i], std::regex_constants::match_continuous)) return inits_[i].get();
    throw ValueError("Parameter name " + name + " did not match any pattern (" +
                     symgrad::detail::quoted_list(patterns_) +
                     "). Consider adding a \".*\" pattern at the end with a default Initializer.");
  }
  std::vector<std::string> patterns_;
  std::vector<std::shared_ptr<const Initializer>> inits_;
  std::vector<std::regex> regex_;
};

struct LoadOptions {
  std::shared_ptr<const Initializer> default_init = {};  // for names not loaded; none: an error
  bool verbose = false;
  std::function<void(const std::string&)> logger = [](const std::string& s) { std::clog << s << '\n'; };
};
// Copies each parameter from saved arrays ("arg:"/"aux:" prefixes dropped, as in a checkpoint);
// the shape must match (the dtype converts). A loaded value wins over an __init__ attribute.
class Load : public Initializer {
 public:
  explicit Load(const std::map<std::string, NDArray>& params, LoadOptions o = {}) : o_(std::move(o)) {
    add(params);
  }
  explicit Load(const std::string& path, LoadOptions o = {}) : o_(std::move(o)) { add(nd::load(path)); }
  void operator()(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const override {
    load(desc, arr, gen, false);
  }
  void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const override {
    load(desc, arr, gen, true);
  }
  std::string name() const override { return "load"; }
  std::string dumps() const override {
    throw ValueError(
        "init.Load has no JSON form (MXNet's Load is not a registered initializer); use it directly");
  }
  const std::map<std::string, NDArray>& params() const { return params_; }

 private:
  void add(const std::map<std::string, NDArray>& params) {
    for (const auto& [k, v] : params)
      params_[k.starts_with("arg:") || k.starts_with("aux:") ? k.substr(4) : k] = v;
  }
  void load(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen, bool weight_rule) const {
    if (auto it = params_.find(desc.name); it != params_.end()) {
      if (!(it->second.shape() == arr.shape()))
        throw ShapeError("Parameter " + desc.name +
                         " cannot be initialized from loading. Shape mismatch, target " + arr.shape().str() +
                         " vs loaded " + it->second.shape().str());
      arr.copy_from(it->second);
      if (o_.verbose) o_.logger("Initialized " + desc.name + " by loading");
      return;
    }
    if (!o_.default_init) {
      std::vector<std::string> names;
      for (const auto& kv : params_) names.push_back(kv.first);
      throw ValueError("Cannot Initialize " + desc.name +
                       ". Not found in loaded param and no default Initializer is "
                       "provided (Load({...}, {.default_init = ...}))." +
                       symgrad::detail::did_you_mean(desc.name, names));
    }
    if (weight_rule)
      o_.default_init->init_weight(desc, arr, gen);
    else
      (*o_.default_init)(desc, arr, gen);
    if (o_.verbose) o_.logger("Initialized " + desc.name + " by default");
  }
  std::map<std::string, NDArray> params_;
  LoadOptions o_;
};

// ------------------------------------------------------------------------------ registry

namespace detail {

inline NDArray constant_array(const nlohmann::json& v) {  // a nested JSON list, as float64
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

using Factory = std::shared_ptr<Initializer> (*)(Kwargs&);
struct Registered {
  const char* name;
  Factory make;
};
inline const std::vector<Registered>& registry() {
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

inline std::shared_ptr<Initializer> make(const std::string& name, const nlohmann::json& kwargs,
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

// MXNet's mx.init.create: '["xavier", {"magnitude": 2}]', '{"initializer": "xavier", ...}', or a
// registry name ("xavier", "Zeros"; case-insensitive) with the defaults.
inline std::shared_ptr<Initializer> create(const std::string& json_or_name) {
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

}  // namespace symgrad::init
