// mx.io.CSVIter: batches from comma-separated files, as MXNet 1.9.1's src/io/iter_csv.cc:
// * every line of data_csv holds prod(data_shape) numbers, one example, data shape
//   (batch, data_shape...); label_csv ("NULL": none, every label 0) holds prod(label_shape)
//   numbers per line, label shape (batch,) when that is 1, else (batch, label_shape...);
// * round_batch (the default): the last batch is filled from the start of the file, `pad` says
//   how many, and the next epoch starts after the examples so used (MXNet's order: with 10
//   examples in batches of 4, epochs of 3 and 2 batches alternate); without it the last batch is
//   short by `pad` rows.
// Differences: the files are read whole at construction (MXNet streams them); the pad rows
// without round_batch are zeros (MXNet leaves the previous batch's rows there); a line whose
// length differs from the shape, a field that is not a number, or files whose line counts
// differ are IOErrors naming the file and line; blank lines are skipped; float32 only.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data_iter_base.hpp"

namespace SYMGRAD_NS::io {

struct CSVIterOptions {
  std::string data_csv;
  Shape data_shape;
  std::string label_csv = "NULL";
  Shape label_shape = Shape{1};
  std::int64_t batch_size = 0;  // required
  bool round_batch = true;
  std::string data_name = "data";
  std::string label_name = "softmax_label";
};

class CSVIter final : public DataIter {
 public:
  explicit CSVIter(CSVIterOptions o);
  void reset() override;
  bool next() override;
  std::vector<DataDesc> provide_data() const override;
  std::vector<DataDesc> provide_label() const override;
  std::int64_t num_batches() const override;
  std::int64_t num_examples() const { return rows_; }

 private:
  CSVIterOptions o_;
  std::int64_t rows_ = 0, data_width_ = 0, label_width_ = 0;
  std::vector<float> data_, label_;
  std::int64_t cursor_ = 0;  // the next example of this epoch
  std::int64_t start_ = 0;   // where this epoch began (round_batch carries the overflow over)
  std::int64_t next_start_ = 0;
};

namespace detail {
// Parses a CSV file of numbers, `width` per line (blank lines skipped); errors name the file and line.
std::vector<float> read_csv(const std::string& path, std::int64_t width, const char* what);
}  // namespace detail

}  // namespace SYMGRAD_NS::io
