// The base of an operator whose parameters are a table (ops/params.hpp): it holds the parameters,
// builds them from C++ (checked) or from symbol JSON's attributes (read and checked), gives its
// MXNet name and writes its attributes back. The operator adds its shape rule, gradient and
// kernels, and nothing that parses or prints.
#pragma once
#include <string>
#include <utility>

#include "../core/fixed_string.hpp"
#include "operator.hpp"
#include "params.hpp"

namespace SYMGRAD_NS::ops {

template <class P, fixed_string Name>
class ParamOp : public Operator {
 public:
  explicit ParamOp(P p) : p_(std::move(p)) { check_params(Name.view(), p_); }
  explicit ParamOp(const AttrMap& m) : p_(read_params<P>(Name.view(), m)) {}
  const P& param() const { return p_; }
  std::string type_name() const override { return Name.str(); }
  AttrMap attrs() const override { return write_params(p_); }

 protected:
  P p_;
};

}  // namespace SYMGRAD_NS::ops
