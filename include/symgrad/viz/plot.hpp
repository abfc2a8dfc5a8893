// plot_network, as mx.viz.plot_network: the graph in Graphviz's DOT language, one node per
// operator and input (weights hidden by default), MXNet's labels and colours, and the shape (and
// dtype, if asked) of each tensor on the edge that carries it. The DOT text is what MXNet's
// plot_network(...).source gives. Written to a file: .dot or .gv as DOT text; .svg, .png, .pdf
// (and the other formats below) rendered by Graphviz's `dot` program, which must be on PATH.
#pragma once
#include <map>
#include <string>

#include "../symbol/symbol.hpp"

namespace SYMGRAD_NS::viz {

struct PlotOptions {
  std::string title = "plot";  // the graph's name
  TypeDict dtype = {};         // inputs' dtypes: edges then also show each tensor's, "128(float32)"
  // Graphviz attributes of every node, over the defaults: shape=box, fixedsize=true, width=1.3,
  // height=0.8034, style=filled (e.g. {{"shape", "oval"}, {"fixedsize", "false"}}).
  std::map<std::string, std::string> node_attrs = {};
  // Hide the variables whose names end in _weight, _bias, _beta, _gamma, _moving_var,
  // _moving_mean, _running_var or _running_mean. When false, their edges are drawn and Graphviz
  // shows them as plain ellipses (as MXNet does).
  bool hide_weights = true;
};

// The DOT source. `shapes` gives the inputs' shapes (empty: no shapes on the edges).
std::string to_dot(const Symbol& symbol, const ShapeDict& shapes = {}, const PlotOptions& options = {});

// Writes the drawing to `filename`; its extension picks the format: dot or gv (the DOT source),
// or svg, png, pdf, jpg, jpeg, gif, ps, eps (rendered by `dot`). Throws IOError when `dot` is
// needed but not found (install Graphviz: apt-get install graphviz) or fails, and ValueError for
// another extension. Nothing is left at `filename` when it fails.
void plot_network(const Symbol& symbol, const ShapeDict& shapes, const std::string& filename,
                  const PlotOptions& options = {});

// Whether Graphviz's `dot` program is on PATH.
bool have_graphviz();

}  // namespace SYMGRAD_NS::viz
