// mx.io.CSVIter: batches from comma-separated files, as MXNet 1.9.1's src/io/iter_csv.cc:
// * every line of data_csv holds prod(data_shape) numbers, one example, data shape
//   (batch, data_shape...); label_csv ("NULL": none, every label 0) holds prod(label_shape)
//   numbers per line, label shape (batch,) when that is 1, else (batch, label_shape...);
// * round_batch (the default) as RowIter (io/row_iter.hpp): the last batch filled from the start
//   of the file, `pad` saying how many, the next epoch starting after them.
// Differences: the files are read whole at construction (MXNet streams them); the pad rows
// without round_batch are zeros (MXNet leaves the previous batch's rows there); a line whose
// length differs from the shape, a field that is not a number, or files whose line counts
// differ are IOErrors naming the file and line; blank lines are skipped; float32 only.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "row_iter.hpp"

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

class CSVIter final : public RowIter {
 public:
  explicit CSVIter(CSVIterOptions o);

 private:
  CSVIterOptions o_;
};

namespace detail {
// Parses a CSV file of numbers, `width` per line (blank lines skipped); errors name the file and line.
std::vector<float> read_csv(const std::string& path, std::int64_t width, const char* what);
}  // namespace detail

}  // namespace SYMGRAD_NS::io
