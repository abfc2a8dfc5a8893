// The ordering operators, along `axis` (None: over the flattened data):
//   topk(data; axis=-1, k=1, ret_typ='indices', is_ascend=False, dtype='float32'): the k largest
//     (smallest with is_ascend) entries of each row, in order. ret_typ 'value' gives them,
//     'indices' their positions along the axis (as `dtype`), 'both' the two outputs [value,
//     indices], 'mask' a 0/1 array of the data's shape marking them. k < 1 takes the whole row.
//     Shape: the data's with k along the axis ((k,) for axis None); 'mask' keeps the data's.
//   sort(data; axis=-1, is_ascend=True): the rows sorted; the data's shape ((size,) for None).
//   argsort(data; axis=-1, is_ascend=True, dtype='float32'): the positions that sort each row.
// Equal values keep their order (the lower position first, in both directions); NaN sorts as
// larger than every number. Gradient: topk 'value'/'both' and sort put dy back at the positions
// taken (zeros elsewhere); topk 'indices'/'mask' and argsort give none.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "../symbol/compose.hpp"
#include "choice.hpp"

namespace SYMGRAD_NS {
namespace ops {

enum class TopKReturn { value, indices, mask, both };
template <>
inline constexpr std::array<std::string_view, 4> enum_names<TopKReturn>{"value", "indices", "mask", "both"};

// The parameters in MXNet's order; `name` names the node and is not an attribute. The attribute
// tables are in ops/ordering-inl.hpp. An empty axis is MXNet's None: the flattened data.
struct TopKParam {
  std::optional<std::int64_t> axis = -1;
  std::int64_t k = 1;
  Choice<TopKReturn> ret_typ = TopKReturn::indices;  // or by name: .ret_typ = "both"
  bool is_ascend = false;
  DType dtype = DType::float32;  // of the indices
  std::string name = {};
};
struct SortParam {
  std::optional<std::int64_t> axis = -1;
  bool is_ascend = true;
  std::string name = {};
};
struct ArgSortParam {
  std::optional<std::int64_t> axis = -1;
  bool is_ascend = true;
  DType dtype = DType::float32;
  std::string name = {};
};

// Operator classes (ops/ordering-inl.hpp).
class TopK;
class Sort;
class ArgSort;
class TopKBackward;

}  // namespace ops

namespace sym {
using TopKOptions = ops::TopKParam;
using SortOptions = ops::SortParam;
using ArgSortOptions = ops::ArgSortParam;
// topk(x, {.axis = 1, .k = 3, .ret_typ = "both"}) has two outputs: [0] values, [1] indices.
Symbol topk(const Symbol& data, const TopKOptions& o = {});
Symbol sort(const Symbol& data, const SortOptions& o = {});
Symbol argsort(const Symbol& data, const ArgSortOptions& o = {});
}  // namespace sym
}  // namespace SYMGRAD_NS
