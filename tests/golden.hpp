// run_golden(case, symbol): rebuilds one MXNet 1.9.1 golden case (tests/reference/make_golden.py,
// files in tests/data/golden/) with symgrad, feeds MXNet's inputs and head gradients and compares
// outputs, input gradients and auxiliary states.
#pragma once
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <symgrad/symgrad.hpp>

#include "testing.hpp"

namespace testing {

inline void run_golden(const std::string& name, const symgrad::Symbol& sym, bool expect_grads = true,
                       double rtol = 1e-5, double atol = 1e-6) {
  std::string path = std::string(SYMGRAD_TEST_DATA) + "/golden/" + name + ".params";
  REQUIRE_MESSAGE(std::filesystem::exists(path), "missing golden file " << path);
  auto g = symgrad::nd::load(path);
  symgrad::ShapeDict shapes;
  for (const auto& [k, v] : g)
    if (k.starts_with("in:")) shapes[k.substr(3)] = v.shape();
  auto ex = sym.simple_bind(symgrad::cpu(), shapes,
                            {.grad_req = std::vector<std::string>(sym.list_arguments().size(), "write")});
  for (const auto& [k, v] : g)
    if (k.starts_with("in:")) ex.arg_dict().at(k.substr(3)).copy_from(v);
  auto& outs = ex.forward(true);
  std::vector<symgrad::NDArray> heads;
  for (std::size_t i = 0; i < outs.size(); ++i) {
    auto it = g.find("head:" + std::to_string(i));
    heads.push_back(it == g.end() ? symgrad::NDArray() : it->second);
  }
  for (std::size_t i = 0; i < outs.size(); ++i)
    check_close(outs[i], g.at("out:" + std::to_string(i)), rtol, atol, name + " output " + std::to_string(i));
  ex.backward(heads);
  int grads = 0;
  for (const auto& [k, v] : g)
    if (k.starts_with("grad:")) {
      check_close(ex.grad_dict().at(k.substr(5)), v, rtol, atol, name + " gradient of " + k.substr(5));
      ++grads;
    }
  CHECK((grads > 0) == expect_grads);
  for (const auto& [k, v] : g)
    if (k.starts_with("aux:"))
      check_close(ex.aux_dict().at(k.substr(4)), v, rtol, atol, name + " auxiliary state " + k.substr(4));
}

}  // namespace testing
