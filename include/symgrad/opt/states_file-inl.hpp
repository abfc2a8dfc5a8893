// Definitions of opt/states_file.hpp.
#pragma once
#include <cstdint>
#include <cstdio>
#include <deque>
#include <fstream>
#include <unordered_map>
#include <utility>

#include "../core/error.hpp"
#include "../ndarray/io.hpp"
#include "states_file.hpp"
#include "states_pickle.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPT_STATES_FILE)
namespace SYMGRAD_NS::opt::states_file {

namespace detail {

inline std::string key_str(const Key& k) {
  if (const auto* i = std::get_if<std::size_t>(&k)) return "index " + std::to_string(*i);
  return "key '" + std::get<std::string>(k) + "'";
}

// The array of an NDArray node: its state {'handle': bytes}.
inline NDArray to_array(Parser& p, const Node& n, const std::string& path, const Key& key) {
  if (n.items.size() != 1) p.fail("the NDArray of " + key_str(key) + " has no state");
  const Node& state = p.node(n.items[0]);
  const Node* handle = nullptr;
  if (state.kind == Kind::dict)
    for (std::size_t i = 0; i + 1 < state.items.size(); i += 2)
      if (p.node(state.items[i]).kind == Kind::string && p.node(state.items[i]).text == "handle")
        handle = &p.node(state.items[i + 1]);
  if (!handle) p.fail("the NDArray of " + key_str(key) + " has no 'handle' in its state");
  if (handle->kind != Kind::bytes)
    p.fail("the NDArray of " + key_str(key) + " is empty (its handle is None)");
  p.charge(handle->text.size());  // each array allocates its bytes: at most the file's size in all
  return nd::load_raw_bytes(handle->text, "'" + path + "', the state of " + key_str(key) + ",");
}

}  // namespace detail

SYMGRAD_INLINE bool is_pickle(std::string_view head) {
  return !head.empty() && static_cast<unsigned char>(head[0]) == 0x80;
}

SYMGRAD_INLINE std::map<Key, State> parse(std::string_view data, const std::string& path) {
  using detail::Kind;
  detail::Parser p(data, path);
  const detail::Node& root = p.node(p.run());
  if (root.kind != Kind::dict) p.fail("the pickled value is not a dict of {index: state}");
  std::map<Key, State> out;
  for (std::size_t i = 0; i < root.items.size(); i += 2) {
    const detail::Node& k = p.node(root.items[i]);
    Key key;
    if (k.kind == Kind::integer && k.integer >= 0)
      key = static_cast<std::size_t>(k.integer);
    else if (k.kind == Kind::string)
      key = std::string(k.text);
    else
      p.fail("a key that is neither an index (0 or more) nor a parameter name");
    const detail::Node& v = p.node(root.items[i + 1]);
    State s;
    if (v.kind == Kind::ndarray) {
      s.arrays.push_back(detail::to_array(p, v, path, key));
    } else if (v.kind == Kind::tuple || v.kind == Kind::list) {
      s.tuple = true;
      for (std::size_t item : v.items) {
        const detail::Node& a = p.node(item);
        if (a.kind == Kind::tuple || a.kind == Kind::list)
          p.fail("the state of " + detail::key_str(key) +
                 " nests tuples (MXNet's multi_precision keeps float32 copies that way); symgrad's "
                 "optimizers keep flat states");
        if (a.kind != Kind::ndarray)
          p.fail("the state of " + detail::key_str(key) + " holds something other than NDArrays");
        s.arrays.push_back(detail::to_array(p, a, path, key));
      }
    } else if (v.kind != Kind::none) {
      p.fail("the state of " + detail::key_str(key) + " is neither None, an NDArray nor a tuple of NDArrays");
    }
    out[key] = std::move(s);
  }
  return out;
}

namespace detail {
inline void put_le(std::string& o, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) o.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
inline void put_text(std::string& o, char op, std::string_view s) {
  o.push_back(op);
  o.push_back(static_cast<char>(s.size()));
  o.append(s);
}
inline void put_array(std::string& o, const NDArray& a) {
  put_text(o, '\x8c', "mxnet.ndarray.ndarray");  // SHORT_BINUNICODE
  put_text(o, '\x8c', "NDArray");
  o += "\x93N\x85R}";  // STACK_GLOBAL, NDArray(None), and its state dict
  put_text(o, '\x8c', "handle");
  put_text(o, '\x8c', "builtins");
  put_text(o, '\x8c', "bytearray");
  o.push_back('\x93');
  std::string raw = nd::save_raw_bytes(a);
  if (raw.size() < 256) {
    put_text(o, 'C', raw);  // SHORT_BINBYTES
  } else if (raw.size() <= 0xFFFFFFFFu) {
    o.push_back('B');  // BINBYTES
    put_le(o, raw.size(), 4);
    o += raw;
  } else {
    o.push_back('\x8e');  // BINBYTES8
    put_le(o, raw.size(), 8);
    o += raw;
  }
  o += "\x85Rsb";  // bytearray(raw), {'handle': ...}, BUILD
}
}  // namespace detail

SYMGRAD_INLINE std::string dump(const std::map<std::size_t, State>& states) {
  std::string o = "\x80\x04}";  // PROTO 4, EMPTY_DICT
  for (const auto& [index, s] : states) {
    if (index < 0x100) {
      o.push_back('K');
      detail::put_le(o, index, 1);
    } else if (index < 0x10000) {
      o.push_back('M');
      detail::put_le(o, index, 2);
    } else if (index < 0x80000000u) {
      o.push_back('J');
      detail::put_le(o, index, 4);
    } else {
      o += "\x8a\x08";  // LONG1 of 8 bytes (an index below 2^63)
      detail::put_le(o, index, 8);
    }
    if (s.arrays.empty() && !s.tuple) {
      o.push_back('N');
    } else if (!s.tuple) {
      detail::put_array(o, s.arrays.front());
    } else {
      o.push_back('(');  // MARK
      for (const auto& a : s.arrays) detail::put_array(o, a);
      o.push_back('t');  // TUPLE
    }
    o.push_back('s');  // SETITEM
  }
  o.push_back('.');
  return o;
}

SYMGRAD_INLINE std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IOError("cannot open '" + path + "' for reading");
  in.seekg(0, std::ios::end);
  auto end = in.tellg();
  in.seekg(0, std::ios::beg);
  if (end < 0) throw IOError("cannot read '" + path + "'");
  std::string s(static_cast<std::size_t>(end), '\0');
  if (!in.read(s.data(), static_cast<std::streamsize>(s.size()))) throw IOError("cannot read '" + path + "'");
  return s;
}

}  // namespace SYMGRAD_NS::opt::states_file
#endif
