// LRN(data; alpha=1e-4, beta=0.75, knorm=2, nsize), as MXNet 1.9.1 defines it: data (N, C, H, W),
// nsize odd and ≤ C; n_c = knorm + alpha/nsize·Σ_{|j−c| ≤ nsize/2} x_j² (channels outside 0..C−1
// omitted), y = x·n^−β.
// Shape: y has the data's shape; so has the hidden output tmp_norm = n.
// Gradient: dx_c = dy_c·n_c^−β − 2αβ/nsize·x_c·Σ_{|j−c| ≤ nsize/2} dy_j·x_j·n_j^(−β−1).
// Differences: data that is not 4-d or has fewer channels than nsize is a shape error here, and an
// even nsize a ValueError (MXNet fails only when running).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "../symbol/compose.hpp"
#include "../symbol/typed.hpp"

namespace SYMGRAD_NS {
namespace ops {

// The parameters in MXNet's order (sym::LRNOptions); `name` names the node and is not an
// attribute. The attribute table is in ops/lrn-inl.hpp.
struct LRNParam {
  double alpha = 1e-4;
  double beta = 0.75;
  double knorm = 2;
  std::int64_t nsize = 0;  // required: the odd window width
  std::string name = {};
};
// Operator classes (ops/lrn-inl.hpp).
class LRNBackward;
class LRN;

}  // namespace ops

namespace sym {

using LRNOptions = ops::LRNParam;
// lrn(x, {.nsize = 5})
Symbol lrn(const Symbol& data, const LRNOptions& o);
Symbol LRN(const Symbol& data, const LRNOptions& o);
}  // namespace sym
}  // namespace SYMGRAD_NS

namespace SYMGRAD_NS::sym {
// Typed: the static shape of the data (the visible output only).
template <Typed A>
auto lrn(const A& x, const LRNOptions& o) {
  static_assert(A::shape.rank_known() && A::shape.ndim() == 4,
                "lrn: data must be 4-d (batch, channel, height, width)");
  return TSym<typename A::shape_type>(lrn(Symbol(x), o));
}
}  // namespace SYMGRAD_NS::sym
