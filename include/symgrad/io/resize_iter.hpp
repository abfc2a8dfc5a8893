// mx.io.ResizeIter: another iterator cut or stretched to a fixed number of batches per epoch.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "data_iter_base.hpp"

namespace SYMGRAD_NS::io {

// Makes an iterator yield exactly `size` batches per epoch, resetting it when it runs out, as
// mx.io.ResizeIter. Holds a reference: `inner` must outlive this iterator (or pass a shared_ptr).
class ResizeIter : public DataIter {
 public:
  ResizeIter(DataIter& inner, std::int64_t size, bool reset_internal = true)
      : ResizeIter(std::shared_ptr<DataIter>(&inner, [](DataIter*) {}), size, reset_internal) {}
  ResizeIter(std::shared_ptr<DataIter> inner, std::int64_t size, bool reset_internal = true)
      : DataIter(inner->batch_size()),
        inner_(std::move(inner)),
        size_(size),
        reset_internal_(reset_internal) {
    if (size < 0) throw ValueError("ResizeIter: size must be >= 0, got " + std::to_string(size));
  }
  void reset() override;
  bool next() override;
  const DataBatch& value() const override;
  std::vector<DataDesc> provide_data() const override;
  std::vector<DataDesc> provide_label() const override;
  std::int64_t num_batches() const override;

 private:
  std::shared_ptr<DataIter> inner_;
  std::int64_t size_, cur_ = 0;
  bool reset_internal_;
};

}  // namespace SYMGRAD_NS::io
