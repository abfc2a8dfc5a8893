// Definitions of io/data_iter_base.hpp.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>
#include "data_iter_base.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_IO_DATA_ITER_BASE)
namespace SYMGRAD_NS::io {

SYMGRAD_INLINE int DataDesc::batch_axis() const {
  auto p = layout.find('N');
  return p == std::string::npos ? 0 : static_cast<int>(p);
}
SYMGRAD_INLINE const DataBatch& DataIter::value() const { return batch_; }
SYMGRAD_INLINE std::int64_t DataIter::num_batches() const { return -1; }
namespace detail {
SYMGRAD_INLINE void shuffle(std::vector<std::int64_t>& v, nd::random::Generator& g) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[g.next() % i]);
}
}  // namespace detail

}  // namespace SYMGRAD_NS::io
#endif
