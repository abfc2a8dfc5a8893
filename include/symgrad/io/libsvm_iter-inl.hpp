// LibSVMIter (io/libsvm_iter.hpp).
#pragma once
#include <charconv>
#include <fstream>
#include <string>
#include <utility>

#include "../core/error.hpp"
#include "libsvm_iter.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_IO_LIBSVM_ITER)
namespace SYMGRAD_NS::io {

namespace detail {

SYMGRAD_INLINE std::vector<float> read_libsvm(const std::string& path, std::int64_t width,
                                              std::vector<float>* labels, const char* what) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw IOError(std::string("LibSVMIter: cannot open ") + what + " '" + path + "'");
  std::vector<float> rows;
  std::string line;
  std::int64_t lineno = 0;
  auto fail = [&](const std::string& why) {
    throw IOError("LibSVMIter: " + std::string(what) + " '" + path + "' line " + std::to_string(lineno) +
                  ": " + why);
  };
  auto number = [&](const char* p, const char* end, float& v) {
    if (p < end && *p == '+') ++p;  // from_chars takes no leading '+'
    auto [q, ec] = std::from_chars(p, end, v);
    return (ec == std::errc() || ec == std::errc::result_out_of_range) && q == end;
  };
  while (std::getline(f, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const char* p = line.data();
    const char* end = p + line.size();
    auto token = [&]() -> std::pair<const char*, const char*> {
      while (p < end && (*p == ' ' || *p == '\t')) ++p;
      const char* b = p;
      while (p < end && *p != ' ' && *p != '\t') ++p;
      return {b, p};
    };
    auto [tb, te] = token();
    if (tb == te) continue;  // blank line
    const std::size_t row = rows.size();
    rows.resize(row + static_cast<std::size_t>(width), 0.0f);
    if (std::find(tb, te, ':') == te) {  // the label
      float v = 0;
      if (!number(tb, te, v)) fail("the label '" + std::string(tb, te) + "' is not a number");
      if (labels) labels->push_back(v);
      std::tie(tb, te) = token();
    } else if (labels) {
      fail("no label before the first index:value pair");
    }
    for (; tb != te; std::tie(tb, te) = token()) {
      const char* colon = std::find(tb, te, ':');
      std::int64_t index = -1;
      float v = 0;
      auto [q, ec] = std::from_chars(tb, colon, index);
      if (colon == te || ec != std::errc() || q != colon || !number(colon + 1, te, v))
        fail("'" + std::string(tb, te) + "' is not index:value");
      if (index < 0 || index >= width)
        fail("feature index " + std::to_string(index) + " is outside the shape's " + std::to_string(width) +
             " features (indices are 0-based)");
      rows[row + static_cast<std::size_t>(index)] = v;
    }
  }
  if (f.bad()) throw IOError("LibSVMIter: reading " + std::string(what) + " '" + path + "' failed");
  return rows;
}

}  // namespace detail

SYMGRAD_INLINE LibSVMIter::LibSVMIter(LibSVMIterOptions o)
    : RowIter(o.batch_size, o.round_batch, o.data_name, o.label_name), o_(std::move(o)) {
  if (o_.batch_size < 1)
    throw ValueError("LibSVMIter: batch_size must be at least 1; got " + std::to_string(o_.batch_size));
  if (o_.data_libsvm.empty()) throw ValueError("LibSVMIter: data_libsvm (the file of examples) is required");
  if (o_.data_shape.ndim() != 1 || !o_.data_shape.known() || o_.data_shape.size() < 1)
    throw ValueError(
        "LibSVMIter: data_shape must be one dimension, the number of features, such as (784,); got " +
        o_.data_shape.str());
  if (o_.label_shape.ndim() != 1 || !o_.label_shape.known() || o_.label_shape.size() < 1)
    throw ValueError("LibSVMIter: label_shape must be one dimension; got " + o_.label_shape.str());
  const bool label_file = o_.label_libsvm != "NULL" && !o_.label_libsvm.empty();
  if (!label_file && o_.label_shape.size() != 1)
    throw ValueError("LibSVMIter: label_shape " + o_.label_shape.str() +
                     " needs label_libsvm; the data file holds one label per line");
  std::vector<float> label;
  auto data =
      detail::read_libsvm(o_.data_libsvm, o_.data_shape.size(), label_file ? nullptr : &label, "data_libsvm");
  const auto rows = static_cast<std::int64_t>(data.size()) / o_.data_shape.size();
  if (rows == 0) throw IOError("LibSVMIter: data_libsvm '" + o_.data_libsvm + "' holds no examples");
  if (label_file) {
    label = detail::read_libsvm(o_.label_libsvm, o_.label_shape.size(), nullptr, "label_libsvm");
    const auto lrows = static_cast<std::int64_t>(label.size()) / o_.label_shape.size();
    if (lrows != rows)
      throw IOError("LibSVMIter: label_libsvm '" + o_.label_libsvm + "' has " + std::to_string(lrows) +
                    " lines but data_libsvm '" + o_.data_libsvm + "' has " + std::to_string(rows) +
                    "; one label line per example");
  }
  set_rows(std::move(data), o_.data_shape, std::move(label), o_.label_shape);
}

}  // namespace SYMGRAD_NS::io
#endif
