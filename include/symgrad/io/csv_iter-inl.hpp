// CSVIter (io/csv_iter.hpp).
#pragma once
#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <utility>

#include "../core/error.hpp"
#include "csv_iter.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_IO_CSV_ITER)
namespace SYMGRAD_NS::io {

namespace detail {

SYMGRAD_INLINE std::vector<float> read_csv(const std::string& path, std::int64_t width, const char* what) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw IOError(std::string("CSVIter: cannot open ") + what + " '" + path + "'");
  std::vector<float> out;
  std::string line;
  std::int64_t lineno = 0;
  while (std::getline(f, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::int64_t n = 0;
    const char* p = line.data();
    const char* end = p + line.size();
    while (true) {
      while (p < end && (*p == ' ' || *p == '\t')) ++p;
      if (p < end && *p == '+') ++p;  // from_chars takes no leading '+'
      float v = 0;
      auto [q, ec] = std::from_chars(p, end, v);
      if (ec != std::errc() && ec != std::errc::result_out_of_range) {
        const char* stop = std::find(p, end, ',');
        throw IOError("CSVIter: " + std::string(what) + " '" + path + "' line " + std::to_string(lineno) +
                      ", field " + std::to_string(n + 1) + ": '" + std::string(p, stop) +
                      "' is not a number");
      }
      out.push_back(v);
      ++n;
      p = q;
      while (p < end && (*p == ' ' || *p == '\t')) ++p;
      if (p == end) break;
      if (*p != ',')
        throw IOError("CSVIter: " + std::string(what) + " '" + path + "' line " + std::to_string(lineno) +
                      ", field " + std::to_string(n) + ": unexpected '" + std::string(1, *p) +
                      "' after a number");
      ++p;
    }
    if (n != width)
      throw IOError("CSVIter: " + std::string(what) + " '" + path + "' line " + std::to_string(lineno) +
                    " has " + std::to_string(n) + " values but the shape needs " + std::to_string(width) +
                    " (one example per line)");
  }
  if (f.bad()) throw IOError("CSVIter: reading " + std::string(what) + " '" + path + "' failed");
  return out;
}

}  // namespace detail

SYMGRAD_INLINE CSVIter::CSVIter(CSVIterOptions o)
    : RowIter(o.batch_size, o.round_batch, o.data_name, o.label_name), o_(std::move(o)) {
  if (o_.batch_size < 1)
    throw ValueError("CSVIter: batch_size must be at least 1; got " + std::to_string(o_.batch_size));
  if (o_.data_csv.empty()) throw ValueError("CSVIter: data_csv (the file of examples) is required");
  if (o_.data_shape.ndim() < 1 || !o_.data_shape.known() || o_.data_shape.size() < 1)
    throw ValueError(
        "CSVIter: data_shape must be a known, non-empty shape such as (3,) or (1, 28, 28); got " +
        o_.data_shape.str());
  if (o_.label_shape.ndim() < 1 || !o_.label_shape.known() || o_.label_shape.size() < 1)
    throw ValueError("CSVIter: label_shape must be a known, non-empty shape; got " + o_.label_shape.str());
  const std::int64_t data_width = o_.data_shape.size(), label_width = o_.label_shape.size();
  auto data = detail::read_csv(o_.data_csv, data_width, "data_csv");
  const auto rows = static_cast<std::int64_t>(data.size()) / data_width;
  if (rows == 0) throw IOError("CSVIter: data_csv '" + o_.data_csv + "' holds no examples");
  std::vector<float> label;
  if (o_.label_csv != "NULL" && !o_.label_csv.empty()) {
    label = detail::read_csv(o_.label_csv, label_width, "label_csv");
    const auto lrows = static_cast<std::int64_t>(label.size()) / label_width;
    if (lrows != rows)
      throw IOError("CSVIter: label_csv '" + o_.label_csv + "' has " + std::to_string(lrows) +
                    " lines but data_csv '" + o_.data_csv + "' has " + std::to_string(rows) +
                    "; one label line per example");
  } else {
    label.assign(static_cast<std::size_t>(rows * label_width), 0.0f);
  }
  set_rows(std::move(data), o_.data_shape, std::move(label), o_.label_shape);
}

}  // namespace SYMGRAD_NS::io
#endif
