// mx.io.LibSVMIter: batches from LibSVM files ("label index:value index:value ..." per line,
// 0-based feature indices), as MXNet 1.9.1's src/io/iter_libsvm.cc, the sparse rows read into
// dense arrays (MXNet returns CSR arrays of the same values):
// * data shape (batch, data_shape[0]); the label is each data line's first number, shape
//   (batch,), or with label_libsvm the rows of that file (whose own labels are ignored), shape
//   (batch, label_shape[0]);
// * round_batch as RowIter (io/row_iter.hpp): the last batch filled from the start of the file,
//   `pad` saying how many, the next epoch starting after them.
// Differences: round_batch = false works (MXNet refuses it), the missing rows being zeros; a
// batch larger than the file wraps (MXNet may refuse it); a feature index outside data_shape, a
// field that is not index:value, or files whose line counts differ are IOErrors naming the file
// and line (MXNet writes past the row or stops); the files are read whole at construction.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "row_iter.hpp"

namespace SYMGRAD_NS::io {

struct LibSVMIterOptions {
  std::string data_libsvm;
  Shape data_shape;  // (number of features,)
  std::string label_libsvm = "NULL";
  Shape label_shape = Shape{1};
  std::int64_t batch_size = 0;  // required
  bool round_batch = true;
  std::string data_name = "data";
  std::string label_name = "softmax_label";
};

class LibSVMIter final : public RowIter {
 public:
  explicit LibSVMIter(LibSVMIterOptions o);

 private:
  LibSVMIterOptions o_;
};

namespace detail {
// Reads a LibSVM file into dense rows of `width` values; `labels` gets each line's label (a line
// without one is an error when `labels` is given). Errors name the file and line.
std::vector<float> read_libsvm(const std::string& path, std::int64_t width, std::vector<float>* labels,
                               const char* what);
}  // namespace detail

}  // namespace SYMGRAD_NS::io
