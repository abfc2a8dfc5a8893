// Dropout(data; p=0.5, mode=training|always, axes=()): in training (or always), each element is
// kept with probability 1-p and scaled by 1/(1-p), else zeroed; `axes` share one draw along the
// listed axes. Inference is the identity. The mask is a hidden second output; masks come from
// the executor's generator (BindOptions::seed), so a seed gives the same masks every run.
// Gradient: dy · mask.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../symbol/typed.hpp"
#include "elemwise.hpp"

namespace SYMGRAD_NS {
namespace ops {

struct DropoutParam {
  double p = 0.5;
  bool always = false;
  std::vector<std::int64_t> axes = {};
};

// Operator classes (ops/dropout-inl.hpp).
class DropoutBackward;
class Dropout;

}  // namespace ops

namespace sym {

struct DropoutOptions {
  double p = 0.5;
  std::string mode = "training";  // training or always
  std::vector<std::int64_t> axes = {};
  std::string name = {};
};
Symbol dropout(const Symbol& data, const DropoutOptions& o = {});
Symbol Dropout(const Symbol& data, const DropoutOptions& o = {});
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS::sym {
template <Typed A>
TSym<typename A::shape_type> dropout(const A& x, const DropoutOptions& o = {}) {
  return TSym<typename A::shape_type>(dropout(Symbol(x), o));
}
}  // namespace SYMGRAD_NS::sym
