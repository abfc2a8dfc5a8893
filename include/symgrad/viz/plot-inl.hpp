// Definitions of viz/plot.hpp.
#pragma once
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "../core/error.hpp"
#include "conf-inl.hpp"
#include "plot.hpp"

extern char** environ;  // NOLINT: POSIX, for posix_spawn

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_VIZ_PLOT)
namespace SYMGRAD_NS::viz {

namespace detail {

// A DOT identifier, quoted when it must be, as the Python graphviz package (0.8) writes it: plain
// when it is a name ([a-zA-Z_][a-zA-Z0-9_]*) or a number and no keyword, as-is when it looks
// like an HTML string (<...>), else in double quotes with " escaped.
inline std::string dot_quote(const std::string& id) {
  std::string s = id;
  if (!s.empty() && s.back() == '\n') s.pop_back();  // Python's `$` also matches before a final \n
  auto alpha = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; };
  auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  if (!id.empty() && id.front() == '<' && s.size() >= 2 && s.back() == '>') return id;
  bool name = !s.empty() && alpha(s[0]);
  for (char c : s) name = name && (alpha(c) || digit(c));
  bool number = false;
  {
    std::size_t i = !s.empty() && s[0] == '-' ? 1 : 0;
    if (i < s.size() && s[i] == '.') {  // -?\.\d+
      number = i + 1 < s.size();
      for (std::size_t j = i + 1; j < s.size(); ++j) number = number && digit(s[j]);
    } else if (i < s.size() && digit(s[i])) {  // -?\d+(\.\d*)?
      std::size_t j = i;
      while (j < s.size() && digit(s[j])) ++j;
      if (j < s.size() && s[j] == '.') ++j;
      while (j < s.size() && digit(s[j])) ++j;
      number = j == s.size();
    }
  }
  std::string lower = s;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::set<std::string> keywords{"node", "edge", "graph", "digraph", "subgraph", "strict"};
  if ((name || number) && !keywords.count(lower)) return id;
  std::string q = "\"";
  for (char c : id) q += c == '"' ? std::string("\\\"") : std::string(1, c);
  return q + "\"";
}
// An edge end: `node`, or `node:port[:compass]` (graphviz's quote_edge).
inline std::string dot_quote_edge(const std::string& id) {
  auto colon = id.find(':');
  if (colon == std::string::npos) return dot_quote(id);
  std::string rest = id.substr(colon + 1), out = dot_quote(id.substr(0, colon)) + ":";
  auto c2 = rest.find(':');
  if (c2 == std::string::npos) return out + dot_quote(rest);
  return out + dot_quote(rest.substr(0, c2)) + ":" + rest.substr(c2 + 1);
}
// " [label=... k=v ...]", the other attributes sorted by name.
inline std::string dot_attrs(const std::string& label, const std::map<std::string, std::string>& attrs) {
  std::string r = " [label=" + dot_quote(label);
  for (const auto& [k, v] : attrs) r += " " + dot_quote(k) + "=" + dot_quote(v);
  return r + "]";
}

inline bool looks_like_weight(const std::string& name) {
  static const std::array<std::string, 8> ends{
      "_weight", "_bias", "_beta", "_gamma", "_moving_var", "_moving_mean", "_running_var", "_running_mean"};
  for (const auto& e : ends)
    if (name.size() >= e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) return true;
  return false;
}

// The path of `dot` on PATH, or empty.
inline std::string find_dot() {
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "";
  for (std::size_t i = 0; i <= p.size();) {
    std::size_t j = p.find(':', i);
    if (j == std::string::npos) j = p.size();
    std::string dir = p.substr(i, j - i);
    std::string f = (dir.empty() ? std::string(".") : dir) + "/dot";
    if (::access(f.c_str(), X_OK) == 0) return f;
    i = j + 1;
  }
  return {};
}

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw IOError("plot_network: cannot write '" + path + "'");
  f << text;
  f.flush();
  if (!f) {
    f.close();
    std::remove(path.c_str());
    throw IOError("plot_network: writing '" + path + "' failed (disk full?)");
  }
}

}  // namespace detail

SYMGRAD_INLINE std::string to_dot(const Symbol& symbol, const ShapeDict& shapes, const PlotOptions& o) {
  const bool draw_shape = !shapes.empty(), draw_type = !o.dtype.empty();
  std::map<std::string, Shape> shape_dict;
  std::map<std::string, DType> type_dict;
  if (draw_shape) shape_dict = detail::internal_shapes(symbol, shapes);
  if (draw_type) type_dict = detail::internal_types(symbol, o.dtype);
  if (o.node_attrs.count("label"))
    throw ValueError("plot_network: node_attrs may not set 'label' (each node's label is its layer's)");
  const auto conf = detail::symbol_conf(symbol);
  const auto& nodes = conf["nodes"];
  {
    std::set<std::string> seen, repeated;
    for (const auto& n : nodes)
      if (!seen.insert(detail::name_of(n)).second) repeated.insert(detail::name_of(n));
    if (!repeated.empty()) {
      std::string r;
      for (const auto& n : repeated) r += (r.empty() ? "" : ",") + n;
      std::cerr << "plot_network: warning: there are multiple variables with the same name in your graph, "
                   "this may result in cyclic graph. Repeated names: "
                << r << "\n";
    }
  }

  std::map<std::string, std::string> node_attr{
      {"shape", "box"}, {"fixedsize", "true"}, {"width", "1.3"}, {"height", "0.8034"}, {"style", "filled"}};
  for (const auto& [k, v] : o.node_attrs) node_attr[k] = v;
  static const char* cm[] = {"#8dd3c7", "#fb8072", "#ffffb3", "#bebada",
                             "#80b1d3", "#fdb462", "#b3de69", "#fccde5"};

  std::string dot = "digraph " + (o.title.empty() ? std::string() : detail::dot_quote(o.title) + " ") + "{";
  std::set<std::string> hidden;
  for (const auto& node : nodes) {
    const std::string op = detail::op_of(node), name = detail::name_of(node);
    auto attr = node_attr;
    std::string label = name;
    auto a = [&](const char* k) { return detail::attr(node, k); };
    auto tuple = [&](const char* k, const char* missing) {
      auto v = a(k);
      return v ? detail::join_x(detail::digits(*v)) : std::string(missing);
    };
    if (op == "null") {
      if (detail::looks_like_weight(name)) {
        // Hidden: no node, and no edges. Shown: no node either, but the edges are drawn, so
        // Graphviz adds a plain node of that name.
        if (o.hide_weights) hidden.insert(name);
        continue;
      }
      attr["shape"] = "oval";
      attr["fillcolor"] = cm[0];
    } else if (op == "Convolution") {
      label = "Convolution\n" + tuple("kernel", "") + "/" + tuple("stride", "1") + ", " +
              a("num_filter").value_or("");
      attr["fillcolor"] = cm[1];
    } else if (op == "FullyConnected") {
      label = "FullyConnected\n" + a("num_hidden").value_or("");
      attr["fillcolor"] = cm[1];
    } else if (op == "BatchNorm") {
      attr["fillcolor"] = cm[3];
    } else if (op == "Activation") {
      label = "Activation\n" + a("act_type").value_or("");
      attr["fillcolor"] = cm[2];
    } else if (op == "LeakyReLU") {
      label = "LeakyReLU\n" + a("act_type").value_or("Leaky");
      attr["fillcolor"] = cm[2];
    } else if (op == "Pooling") {
      // A symbol JSON written by symgrad omits the default pool_type (max), where MXNet fails.
      label = "Pooling\n" + a("pool_type").value_or("max") + ", " + tuple("kernel", "[]") + "/" +
              tuple("stride", "1");
      attr["fillcolor"] = cm[4];
    } else if (op == "Concat" || op == "Flatten" || op == "Reshape") {
      attr["fillcolor"] = cm[5];
    } else if (op == "Softmax") {
      attr["fillcolor"] = cm[6];
    } else {
      attr["fillcolor"] = cm[7];
      if (op == "Custom") label = a("op_type").value_or(name);
    }
    dot += "\n\t" + detail::dot_quote(name) + detail::dot_attrs(label, attr);
  }

  for (const auto& node : nodes) {
    const std::string op = detail::op_of(node), name = detail::name_of(node);
    if (op == "null") continue;
    auto inputs = node["inputs"];
    if (op == "_contrib_BilinearResize2D" && inputs.size() > 1)
      inputs.erase(inputs.begin() + 1, inputs.end());
    for (const auto& in : inputs) {
      const auto& input = nodes[in[0].get<std::size_t>()];
      const std::string input_name = detail::name_of(input);
      if (hidden.count(input_name)) continue;
      // An operator's tensor is looked up as <name>_output, or, when the node has num_outputs,
      // as its last output <name>_output<num_outputs - 1> whichever output the edge carries.
      std::string key = input_name;
      if (detail::op_of(input) != "null") {
        key += "_output";
        if (auto k = detail::attr(input, "num_outputs")) key += std::to_string(detail::to_int(*k) - 1);
      }
      std::string label;
      if (draw_shape) {
        auto it = shape_dict.find(key);
        if (it == shape_dict.end())  // MXNet fails (KeyError); show nothing
          label = "";
        else
          label = detail::shape_label(it->second);
      }
      if (draw_type) {
        auto it = type_dict.find(key);
        if (it != type_dict.end()) label += "(" + std::string(dtype_name(it->second)) + ")";
      }
      dot += "\n\t" + detail::dot_quote_edge(name) + " -> " + detail::dot_quote_edge(input_name) +
             detail::dot_attrs(label, {{"arrowtail", "open"}, {"dir", "back"}});
    }
  }
  return dot + "\n}";
}

SYMGRAD_INLINE bool have_graphviz() { return !detail::find_dot().empty(); }

SYMGRAD_INLINE void plot_network(const Symbol& symbol, const ShapeDict& shapes, const std::string& filename,
                                 const PlotOptions& options) {
  static const std::set<std::string> rendered{"svg", "png", "pdf", "jpg", "jpeg", "gif", "ps", "eps"};
  const auto dot_at = filename.rfind('.'), slash_at = filename.rfind('/');
  std::string ext = dot_at == std::string::npos || (slash_at != std::string::npos && dot_at < slash_at)
                        ? std::string()
                        : filename.substr(dot_at + 1);
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext != "dot" && ext != "gv" && !rendered.count(ext))
    throw ValueError(
        "plot_network: cannot tell the format of '" + filename +
        "' by its extension; use .dot or .gv for the DOT source, or .svg, .png, .pdf, .jpg, .jpeg, "
        ".gif, .ps, .eps for a drawing");
  std::string dot_exe;
  if (rendered.count(ext)) {
    dot_exe = detail::find_dot();
    if (dot_exe.empty())
      throw IOError("plot_network: drawing '" + filename +
                    "' needs Graphviz's `dot` program, which is not on PATH. Install Graphviz (Debian and "
                    "Ubuntu: apt-get install graphviz; Fedora: dnf install graphviz; macOS: brew install "
                    "graphviz), or write the DOT source to a .dot file and render it elsewhere");
  }
  const std::string source = to_dot(symbol, shapes, options);
  const std::string tmp = filename + ".tmp";
  if (!rendered.count(ext)) {
    detail::write_text(tmp, source);
  } else {
    const std::string src = filename + ".tmp.dot";
    detail::write_text(src, source);
    std::string fmt = "-T" + ext;
    std::string out = "-o" + tmp;
    std::vector<char*> argv{dot_exe.data(), fmt.data(), out.data(), const_cast<char*>(src.c_str()), nullptr};
    pid_t pid = 0;
    int status = 0;
    const int err = ::posix_spawn(&pid, dot_exe.c_str(), nullptr, nullptr, argv.data(), environ);
    if (err == 0)
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
    std::remove(src.c_str());
    if (err != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::remove(tmp.c_str());
      throw IOError("plot_network: `" + dot_exe + " " + fmt + "` could not draw '" + filename + "' (" +
                    (err != 0            ? "it did not start: error " + std::to_string(err)
                     : WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                         : std::string("killed by a signal")) +
                    ")");
    }
  }
  if (std::rename(tmp.c_str(), filename.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw IOError("plot_network: cannot move the finished file into place at '" + filename + "'");
  }
}

}  // namespace SYMGRAD_NS::viz
#endif
