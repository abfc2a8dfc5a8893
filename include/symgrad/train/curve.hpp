// The training curve: one CSV row per epoch (epoch, each train and validation metric, seconds)
// and, if asked, an SVG plot of the metrics against the epoch, rewritten after every epoch.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "../core/error.hpp"

namespace SYMGRAD_NS {

class CurveWriter {
 public:
  CurveWriter(std::string csv, std::string svg) : csv_(std::move(csv)), svg_(std::move(svg)) {}
  void add(int epoch, const std::vector<std::pair<std::string, double>>& train,
           const std::vector<std::pair<std::string, double>>& val, double seconds);

 private:
  struct Row {
    int epoch;
    std::vector<double> values;
    double seconds;
  };
  static void write_file(const std::string& path, const std::string& text);
  void write_csv() const;
  void write_svg() const;

  std::string csv_, svg_;
  std::vector<std::string> columns_;
  std::vector<Row> rows_;
};

}  // namespace SYMGRAD_NS
