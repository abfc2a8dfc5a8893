// _zeros / _ones(shape, dtype): constant arrays without inputs; unknown dims (sg::dyn, 0 in
//   MXNet's JSON) are inferred from the consumers, as RNN begin states need.
// zeros_like / ones_like(data): constants of data's shape. No gradient to data.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "../symbol/typed.hpp"
#include "elemwise.hpp"

namespace SYMGRAD_NS {
namespace ops {

// Operator classes (ops/init-inl.hpp).
class Fill;
class OnesLike;

}  // namespace ops

namespace sym {

struct FillOptions {
  std::optional<DType> dtype = {};  // unset: from the consumers, else float32
  std::string name = {};
};
// zeros({sg::dyn, 256}): a (?, 256) array of zeros whose first dimension bind infers.
Symbol zeros(const Shape& shape, const FillOptions& o = {});
Symbol ones(const Shape& shape, const FillOptions& o = {});
Symbol full(const Shape& shape, double value, const FillOptions& o = {});
Symbol zeros_like(const Symbol& data, std::string_view name = {});
Symbol ones_like(const Symbol& data, std::string_view name = {});
}  // namespace sym
}  // namespace SYMGRAD_NS
