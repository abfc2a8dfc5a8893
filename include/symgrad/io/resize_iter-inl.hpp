// Definitions of io/resize_iter.hpp.
#pragma once
#include "resize_iter.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_IO_RESIZE_ITER)
namespace SYMGRAD_NS::io {

SYMGRAD_INLINE void ResizeIter::reset() {
  cur_ = 0;
  if (reset_internal_) inner_->reset();
}
SYMGRAD_INLINE bool ResizeIter::next() {
  if (cur_ == size_) return false;
  if (!inner_->next()) {
    inner_->reset();
    if (!inner_->next()) return false;  // an inner iterator with no batch at all
  }
  ++cur_;
  return true;
}
SYMGRAD_INLINE const DataBatch& ResizeIter::value() const { return inner_->value(); }
SYMGRAD_INLINE std::vector<DataDesc> ResizeIter::provide_data() const { return inner_->provide_data(); }
SYMGRAD_INLINE std::vector<DataDesc> ResizeIter::provide_label() const { return inner_->provide_label(); }
SYMGRAD_INLINE std::int64_t ResizeIter::num_batches() const { return size_; }

}  // namespace SYMGRAD_NS::io
#endif
