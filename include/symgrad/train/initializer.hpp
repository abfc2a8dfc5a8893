// MXNet 1.9.1's initializers (python/mxnet/initializer.py), each with MXNet's defaults, its
// dumps() string and its registry name for create():
//   Zero ("zero", "zeros"), One ("one", "ones"), Constant(value), Uniform{scale=0.07},
//   Normal{sigma=0.01}, Xavier{"uniform", "avg", 3}, MSRAPrelu{"avg", 0.25},
//   Orthogonal{1.414, "uniform"}, Bilinear, LSTMBias(forget_bias=1.0), FusedRNN{...};
// and the two that are not in the registry and have no JSON: Mixed (by name regex) and Load
// (from saved parameters), in init_composite.hpp.
// Number formats in dumps(): a float keyword prints as Python's repr of a float (0.07, 1.0);
// Xavier's magnitude, an int by default in MXNet, prints without a fraction when integral (3).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "init_base.hpp"
#include "init_composite.hpp"

namespace SYMGRAD_NS::init {

// ------------------------------------------------------------------------------ fills

class Zero : public Initializer {
 public:
  void init_weight(const InitDesc&, const NDArray& arr, nd::random::Generator&) const override;
  std::string name() const override;
};

class One : public Initializer {
 public:
  void init_weight(const InitDesc&, const NDArray& arr, nd::random::Generator&) const override;
  std::string name() const override;
};

// A scalar, or an array of the parameter's shape (its dumps() value is then a nested list).
class Constant : public Initializer {
 public:
  explicit Constant(double value) : scalar_(value) {}
  explicit Constant(NDArray value) : array_(std::move(value)) {
    if (array_.is_none()) throw ValueError("init.Constant: the value array is empty (none)");
  }
  void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator&) const override;
  std::string name() const override;

 protected:
  KwargList kwargs() const override;

 private:
  std::string nested_list() const;
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
  void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const override;
  std::string name() const override;

 protected:
  KwargList kwargs() const override;

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
  void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const override;
  std::string name() const override;

 protected:
  KwargList kwargs() const override;

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
  double scale_for(const std::string& name, const Shape& shape) const;
  void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const override;
  std::string name() const override;

 protected:
  KwargList kwargs() const override;

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
  std::string name() const override;

 protected:
  KwargList kwargs() const override;

 private:
  MSRAPreluOptions o_;
};

namespace detail {

// The thin Q (m x n, m >= n, orthonormal columns) of A = QR, row-major, by Householder
// reflections in double precision. Columns are signed so that R has a positive diagonal, which
// makes Q Haar-distributed when A is Gaussian.
std::vector<double> thin_q(std::vector<double> a, std::int64_t m, std::int64_t n);

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
  void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const override;
  std::string name() const override;

 protected:
  KwargList kwargs() const override;

 private:
  OrthogonalOptions o_;
};

// ------------------------------------------------------------------------------ structured

// The bilinear upsampling kernel of a 4-D Deconvolution weight (f = ceil(kw/2)).
class Bilinear : public Initializer {
 public:
  void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator&) const override;
  std::string name() const override;
};

// LSTMCell's i2h bias: zeros, and the forget gate's quarter (rows [H, 2H) of 4H, gates i f c o)
// set to forget_bias.
class LSTMBias : public Initializer {
 public:
  explicit LSTMBias(double forget_bias = 1.0) : forget_bias_(forget_bias) {}
  void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator&) const override;
  std::string name() const override;

 protected:
  KwargList kwargs() const override;

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
  explicit FusedRNN(FusedRNNOptions o);
  void init_weight(const InitDesc& desc, const NDArray& arr, nd::random::Generator& gen) const override;
  std::string name() const override;

 protected:
  KwargList kwargs() const override;

 private:
  static std::vector<std::string> gate_names(const std::string& mode);
  FusedRNNOptions o_;
  std::vector<std::string> gates_;
};

// ------------------------------------------------------------------------------ registry

namespace detail {

NDArray constant_array(const nlohmann::json& v);

using Factory = std::shared_ptr<Initializer> (*)(Kwargs&);
struct Registered {
  const char* name;
  Factory make;
};
const std::vector<Registered>& registry();

std::shared_ptr<Initializer> make(const std::string& name, const nlohmann::json& kwargs,
                                  const std::string& text);

}  // namespace detail

// MXNet's mx.init.create: '["xavier", {"magnitude": 2}]', '{"initializer": "xavier", ...}', or a
// registry name ("xavier", "Zeros"; case-insensitive) with the defaults.
std::shared_ptr<Initializer> create(const std::string& json_or_name);

}  // namespace SYMGRAD_NS::init
