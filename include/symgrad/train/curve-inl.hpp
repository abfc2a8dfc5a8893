// Definitions of train/curve.hpp.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>
#include "curve.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_TRAIN_CURVE)
namespace SYMGRAD_NS {

SYMGRAD_INLINE void CurveWriter::add(int epoch, const std::vector<std::pair<std::string, double>>& train,
                                     const std::vector<std::pair<std::string, double>>& val, double seconds) {
  if (csv_.empty() && svg_.empty()) return;
  if (columns_.empty()) {
    for (const auto& [n, v] : train) columns_.push_back("train-" + n);
    for (const auto& [n, v] : val) columns_.push_back("validation-" + n);
  }
  std::vector<double> row;
  for (const auto& [n, v] : train) row.push_back(v);
  for (const auto& [n, v] : val) row.push_back(v);
  rows_.push_back({epoch, row, seconds});
  if (!csv_.empty()) write_csv();
  if (!svg_.empty()) write_svg();
}
SYMGRAD_INLINE void CurveWriter::write_file(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    if (!f) throw IOError("cannot write the training curve to '" + path + "'");
    f << text;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw IOError("cannot move the training curve into place at '" + path + "'");
}
SYMGRAD_INLINE void CurveWriter::write_csv() const {
  std::ostringstream o;
  o << "epoch";
  for (const auto& c : columns_) o << ',' << c;
  o << ",seconds\n";
  for (const auto& r : rows_) {
    o << r.epoch;
    for (double v : r.values) o << ',' << v;
    o << ',' << r.seconds << '\n';
  }
  write_file(csv_, o.str());
}
SYMGRAD_INLINE void CurveWriter::write_svg() const {
  const double W = 640, H = 400, L = 60, R = 180, T = 20, B = 50;
  double lo = 1e300, hi = -1e300;
  for (const auto& r : rows_)
    for (double v : r.values)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (!(hi > lo)) hi = lo + 1;
  const int e0 = rows_.front().epoch, e1 = std::max(rows_.back().epoch, e0 + 1);
  auto x = [&](int e) { return L + (W - L - R) * (e - e0) / double(e1 - e0); };
  auto y = [&](double v) { return T + (H - T - B) * (1 - (v - lo) / (hi - lo)); };
  static const char* colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
    << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    << "<line x1=\"" << L << "\" y1=\"" << H - B << "\" x2=\"" << W - R << "\" y2=\"" << H - B
    << "\" stroke=\"black\"/>\n"
    << "<line x1=\"" << L << "\" y1=\"" << T << "\" x2=\"" << L << "\" y2=\"" << H - B
    << "\" stroke=\"black\"/>\n";
  for (int k = 0; k <= 4; ++k) {
    double v = lo + (hi - lo) * k / 4;
    o << "<text x=\"" << L - 6 << "\" y=\"" << y(v) + 4 << "\" text-anchor=\"end\">" << v << "</text>\n";
  }
  o << "<text x=\"" << (L + W - R) / 2 << "\" y=\"" << H - 15 << "\" text-anchor=\"middle\">epoch</text>\n";
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    const char* col = colors[c % 6];
    o << "<polyline fill=\"none\" stroke=\"" << col << "\" stroke-width=\"2\" points=\"";
    for (const auto& r : rows_)
      if (c < r.values.size()) o << x(r.epoch) << ',' << y(r.values[c]) << ' ';
    o << "\"/>\n<text x=\"" << W - R + 10 << "\" y=\"" << T + 16 * (c + 1) << "\" fill=\"" << col << "\">"
      << columns_[c] << "</text>\n";
  }
  o << "</svg>\n";
  write_file(svg_, o.str());
}

}  // namespace SYMGRAD_NS
#endif
