// RowIter: batches of examples held in memory as dense float rows, with MXNet's round_batch —
// what CSVIter and LibSVMIter (io/csv_iter.hpp, io/libsvm_iter.hpp) share once they have read
// their files:
// * data shape (batch, data_shape...); label shape (batch,) when label_shape is (1,), else
//   (batch, label_shape...);
// * round_batch (the default): the last batch is filled from the start of the data, `pad` says
//   how many, and the next epoch starts after the examples so used (MXNet's order: with 10
//   examples in batches of 4, epochs of 3 and 2 batches alternate); a batch larger than the data
//   wraps as often as needed; without round_batch the last batch's missing rows are zeros.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data_iter_base.hpp"

namespace SYMGRAD_NS::io {

class RowIter : public DataIter {
 public:
  void reset() override;
  bool next() override;
  std::vector<DataDesc> provide_data() const override;
  std::vector<DataDesc> provide_label() const override;
  std::int64_t num_batches() const override;
  std::int64_t num_examples() const { return rows_; }

 protected:
  RowIter(std::int64_t batch_size, bool round_batch, std::string data_name, std::string label_name)
      : DataIter(batch_size),
        round_batch_(round_batch),
        data_name_(std::move(data_name)),
        label_name_(std::move(label_name)) {}
  // The examples: `data` holds data_shape.size() values per example, `label` label_shape.size().
  void set_rows(std::vector<float> data, const Shape& data_shape, std::vector<float> label,
                const Shape& label_shape);

 private:
  bool round_batch_;
  std::string data_name_, label_name_;
  std::int64_t rows_ = 0, data_width_ = 0, label_width_ = 0;
  std::vector<float> data_, label_;
  std::int64_t cursor_ = 0;  // the next example of this epoch
  std::int64_t start_ = 0;   // where this epoch began (round_batch carries the overflow over)
  std::int64_t next_start_ = 0;
};

}  // namespace SYMGRAD_NS::io
