// print_summary, as mx.viz.print_summary: one row per layer (name and operator, output shape
// without the batch axis, parameter count, the layers it reads) and the total.
//
// The counts follow MXNet's rules exactly, so that totals agree with what MXNet users see: per
// node, from the node's attributes and the axis 1 of the layers feeding it, not from the bound
// weights. Convolution: in_channels × num_filter / num_group × kernel (+ num_filter for the bias);
// FullyConnected: (axis 1 of its input + 1) × num_hidden (without +1 when no_bias); BatchNorm:
// 2 × channels (gamma and beta; the moving statistics are not counted); Embedding: input_dim ×
// output_dim; everything else 0. Hence, as in MXNet: a FullyConnected on a (N, C, H, W) input counts
// C, not C·H·W; weights shared by the steps of an unrolled RNN are counted once per step; only the
// first variable of the graph (and, by an accident of MXNet's code, a variable whose node index
// equals a number in the first head's entry) is a row of its own and counts as an input.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "../symbol/symbol.hpp"

namespace SYMGRAD_NS::viz {

struct SummaryOptions {
  int line_length = 120;  // width of the table
  // Where each column ends: fractions of line_length when the last is at most 1, else columns.
  std::vector<double> positions = {.44, .64, .74, 1.};
};

struct LayerSummary {
  std::string name;
  std::string op;                          // "null" for an input
  std::vector<std::int64_t> output_shape;  // without the batch axis; empty when not known
  std::int64_t params = 0;
  std::vector<std::string> previous;  // the layers (and counted inputs) it reads
};

struct Summary {
  std::vector<LayerSummary> layers;
  std::int64_t total_params = 0;
  std::string table;  // the text print_summary prints
};

// The summary without printing it. `shapes` gives the inputs' shapes (as infer_shape takes
// them); empty: no shapes, so no output shapes and none of the counts that need them.
// Throws ShapeError when the shapes leave an output unknown.
Summary summary(const Symbol& symbol, const ShapeDict& shapes = {}, const SummaryOptions& options = {});
// Prints the table to `os` (std::cout by default) and returns the summary.
Summary print_summary(std::ostream& os, const Symbol& symbol, const ShapeDict& shapes = {},
                      const SummaryOptions& options = {});
Summary print_summary(const Symbol& symbol, const ShapeDict& shapes = {}, const SummaryOptions& options = {});

}  // namespace SYMGRAD_NS::viz
