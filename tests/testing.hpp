// Test helpers. check_gradient: the float64 central-difference gradient checker used on every
// operator. For a symbol whose
// outputs all need head gradients, the objective is J = Σ_i Σ w_i ⊙ out_i with random w_i; the
// executor's gradients must match (J(x + h e_k) - J(x - h e_k)) / 2h for every element.
#pragma once
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <symgrad/symgrad.hpp>
#include <vector>

namespace testing {

namespace sg = symgrad;

struct GradCheckOptions {
  double low = -1.0, high = 1.0;  // input domain
  double eps = 1e-6;              // finite-difference step
  double rtol = 1e-5, atol = 1e-7;
  std::uint64_t seed = 7;
  std::map<std::string, sg::NDArray> inputs = {};                // fixed values for some arguments
  std::set<std::string> skip = {};                               // arguments not to check
  std::map<std::string, std::pair<double, double>> domain = {};  // per-argument input domain
};

// Returns the number of elements checked.
inline int check_gradient(const sg::Symbol& sym, const sg::ShapeDict& shapes,
                          const GradCheckOptions& o = {}) {
  sg::TypeDict types;
  for (const auto& a : sym.list_arguments()) types[a] = sg::DType::float64;
  auto ex = sym.simple_bind(sg::cpu(), shapes, {.grad_req = "write", .type_dict = types});
  sg::nd::random::Generator gen(o.seed);
  auto args = sym.list_arguments();
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto& a = ex.arg_arrays()[i];
    if (auto it = o.inputs.find(args[i]); it != o.inputs.end()) {
      it->second.copy_to(a);
    } else {
      auto [lo, hi] = o.domain.count(args[i]) ? o.domain.at(args[i]) : std::make_pair(o.low, o.high);
      sg::nd::random::uniform(lo, hi, a.shape(), gen, {.dtype = sg::DType::float64}).copy_to(a);
    }
  }
  auto outs = ex.forward(true);
  std::vector<sg::NDArray> w;
  for (const auto& out : outs)
    w.push_back(sg::nd::random::uniform(-1, 1, out.shape(), gen, {.dtype = sg::DType::float64}));
  ex.backward(w);
  auto objective = [&] {
    auto& y = ex.forward(true);
    double j = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
      const double *p = y[i].data<double>(), *q = w[i].data<double>();
      for (std::int64_t k = 0; k < y[i].size(); ++k) j += p[k] * q[k];
    }
    return j;
  };
  int checked = 0;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (o.skip.count(args[i]) || ex.grad_arrays()[i].is_none()) continue;
    auto analytic = ex.grad_arrays()[i].copy();
    double* x = ex.arg_arrays()[i].data<double>();
    for (std::int64_t k = 0; k < analytic.size(); ++k) {
      double saved = x[k];
      x[k] = saved + o.eps;
      double jp = objective();
      x[k] = saved - o.eps;
      double jm = objective();
      x[k] = saved;
      double numeric = (jp - jm) / (2 * o.eps);
      double got = analytic.data<double>()[k];
      INFO("argument '" << args[i] << "' element " << k << ": analytic " << got << ", numeric " << numeric);
      CHECK(std::fabs(got - numeric) <=
            o.atol + o.rtol * std::fabs(numeric) + 1e-6 * std::fabs(numeric) + 1e-8);
      ++checked;
    }
  }
  return checked;
}

// Largest relative difference between two arrays, for golden comparisons.
inline void check_close(const sg::NDArray& got, const sg::NDArray& want, double rtol, double atol,
                        const std::string& what) {
  REQUIRE_MESSAGE(got.shape() == want.shape(), what << ": shape " << got.shape() << " vs " << want.shape());
  for (std::int64_t i = 0; i < got.size(); ++i) {
    double g = got.at_flat(i), e = want.at_flat(i);
    INFO(what << " element " << i << ": got " << g << ", expected " << e);
    CHECK(std::fabs(g - e) <= atol + rtol * std::fabs(e));
  }
}

// The message of the exception `f` throws (checked to be of type E), or "" if it throws none.
template <class E, class F>
std::string error_message(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

// The first output's shape for these input shapes.
inline sg::Shape out_shape(const sg::Symbol& s, const sg::ShapeDict& in) {
  return s.infer_shape(in).out_shapes.at(0);
}

// The first output of forward(is_train = false) with these inputs (no gradients), as T values.
template <class T = double>
std::vector<T> eval(const sg::Symbol& s, const std::map<std::string, sg::NDArray>& in) {
  sg::ShapeDict shapes;
  for (const auto& [k, v] : in) shapes[k] = v.shape();
  auto ex = s.simple_bind(sg::cpu(), shapes, {.grad_req = "null"});
  for (const auto& [k, v] : in) ex.arg_dict().at(k).copy_from(v);
  return ex.forward(false)[0].template to_vector<T>();
}

}  // namespace testing
