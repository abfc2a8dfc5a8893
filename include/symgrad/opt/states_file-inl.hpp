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

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_OPT_STATES_FILE)
namespace SYMGRAD_NS::opt::states_file {

namespace detail {

enum class Kind : std::uint8_t { none, boolean, integer, bytes, string, tuple, list, dict, global, ndarray };
// The globals a states file may name (anything else is refused when it is read).
enum class Global : std::uint8_t { ndarray, bytearray, codecs_encode };

struct Node {
  Kind kind = Kind::none;
  std::int64_t integer = 0;        // integer, boolean; global: a Global
  std::string_view text;           // bytes, string (into the file or the parser's own strings)
  std::vector<std::size_t> items;  // tuple, list; dict: key, value ...; ndarray: its state (after BUILD)
};

// The name of a pickle opcode that the reader does not take, for its error.
inline const char* opcode_name(unsigned op) {
  static constexpr std::pair<unsigned, const char*> names[] = {
      {'0', "POP"},        {'1', "POP_MARK"},     {'2', "DUP"},
      {'F', "FLOAT"},      {'G', "BINFLOAT"},     {'I', "INT"},
      {'L', "LONG"},       {'P', "PERSID"},       {'Q', "BINPERSID"},
      {'S', "STRING"},     {'T', "BINSTRING"},    {'U', "SHORT_BINSTRING"},
      {'V', "UNICODE"},    {'d', "DICT"},         {'g', "GET"},
      {'i', "INST"},       {'l', "LIST"},         {'o', "OBJ"},
      {'p', "PUT"},        {0x80, "PROTO"},       {0x82, "EXT1"},
      {0x83, "EXT2"},      {0x84, "EXT4"},        {0x8b, "LONG4"},
      {0x8f, "EMPTY_SET"}, {0x90, "ADDITEMS"},    {0x91, "FROZENSET"},
      {0x92, "NEWOBJ_EX"}, {0x97, "NEXT_BUFFER"}, {0x98, "READONLY_BUFFER"}};
  for (const auto& [code, name] : names)
    if (code == op) return name;
  return "unknown";
}

// A stack machine over the opcodes of MXNet's states pickles. Nodes are numbered; the memo and
// the stack hold numbers, so shared and even self-referencing values cost nothing to copy.
class Parser {
 public:
  Parser(std::string_view data, const std::string& path) : d_(data), path_(path), budget_(data.size()) {}

  std::size_t run() {
    if (d_.size() < 2 || u8() != 0x80) fail("it does not start with a pickle's PROTO opcode (0x80)");
    const unsigned proto = u8();
    if (proto < 2 || proto > 5)
      fail("pickle protocol " + std::to_string(proto) + "; MXNet's states files use protocols 2 to 5");
    for (;;) {
      if (pos_ >= d_.size()) fail("truncated: the pickle ends without its STOP opcode");
      at_ = pos_;
      const unsigned op = u8();
      switch (op) {
        case 0x95: {  // FRAME: a length hint
          if (u64() > left()) fail("truncated: a frame runs past the end of the file");
          break;
        }
        case '.': {  // STOP
          if (stack_.size() != 1 || !marks_.empty()) fail("the pickle's stack is not one value at STOP");
          if (left() != 0) fail(std::to_string(left()) + " bytes follow the pickle's STOP opcode");
          done_ = true;
          return stack_.back();
        }
        case 'N':
          push(make(Kind::none));
          break;
        case 0x88:  // NEWTRUE
        case 0x89:  // NEWFALSE
          push(make_int(Kind::boolean, op == 0x88));
          break;
        case 'K':
          push(make_int(Kind::integer, u8()));
          break;  // BININT1
        case 'M':
          push(make_int(Kind::integer, u16()));
          break;  // BININT2
        case 'J':
          push(make_int(Kind::integer, static_cast<std::int32_t>(u32())));
          break;
        case 0x8a:
          push(make_int(Kind::integer, long1()));
          break;
        case 0x8c:
          push(make_text(Kind::string, u8()));
          break;  // SHORT_BINUNICODE
        case 'X':
          push(make_text(Kind::string, u32()));
          break;  // BINUNICODE
        case 0x8d:
          push(make_text(Kind::string, u64()));
          break;  // BINUNICODE8
        case 'C':
          push(make_text(Kind::bytes, u8()));
          break;  // SHORT_BINBYTES
        case 'B':
          push(make_text(Kind::bytes, u32()));
          break;    // BINBYTES
        case 0x8e:  // BINBYTES8
        case 0x96:  // BYTEARRAY8
          push(make_text(Kind::bytes, u64()));
          break;
        case ')':
          push(make(Kind::tuple));
          break;
        case 0x85:
        case 0x86:
        case 0x87:
          push_tuple(op - 0x84);
          break;  // TUPLE1, TUPLE2, TUPLE3
        case 't':
          push_tuple(stack_.size() - pop_mark());
          break;
        case ']':
          push(make(Kind::list));
          break;
        case '}':
          push(make(Kind::dict));
          break;
        case '(':
          marks_.push_back(stack_.size());
          break;
        case 'a':
          add_items(Kind::list, stack_.size() - 1);
          break;  // APPEND
        case 'e':
          add_items(Kind::list, pop_mark());
          break;  // APPENDS
        case 's':
          add_items(Kind::dict, stack_.size() - 2);
          break;  // SETITEM
        case 'u':
          add_items(Kind::dict, pop_mark());
          break;  // SETITEMS
        case 0x94:
          memo_[memo_.size()] = top();
          break;  // MEMOIZE
        case 'q':
          memo_[u8()] = top();
          break;  // BINPUT
        case 'r':
          memo_[u32()] = top();
          break;  // LONG_BINPUT
        case 'h':
          push(memo(u8()));
          break;  // BINGET
        case 'j':
          push(memo(u32()));
          break;     // LONG_BINGET
        case 'c': {  // GLOBAL
          std::string module = line();
          push(make_global(module, line()));
          break;
        }
        case 0x93: {  // STACK_GLOBAL
          std::size_t name = pop(), module = pop();
          if (nodes_[module].kind != Kind::string || nodes_[name].kind != Kind::string)
            fail("STACK_GLOBAL needs two strings");
          push(make_global(std::string(nodes_[module].text), std::string(nodes_[name].text)));
          break;
        }
        case 'R':     // REDUCE
        case 0x81: {  // NEWOBJ
          std::size_t args = pop(), callable = pop();
          push(reduce(callable, args, op == 0x81));
          break;
        }
        case 'b': {  // BUILD
          std::size_t state = pop();
          Node& obj = nodes_[top()];
          if (obj.kind != Kind::ndarray || !obj.items.empty())
            fail("BUILD of something other than a new NDArray");
          obj.items.push_back(state);
          break;
        }
        default: {
          char hex[8];
          std::snprintf(hex, sizeof hex, "0x%02X", op);
          fail(std::string("opcode ") + hex + " (" + opcode_name(op) +
               "), which MXNet's optimizer states files do not use");
        }
      }
    }
  }

  const Node& node(std::size_t id) const { return nodes_[id]; }

  // Takes n bytes from what may still be decoded: the file's size bounds everything decoded.
  void charge(std::size_t n) {
    if (n > budget_) fail("it decodes to more data than the file holds (values repeated through the memo?)");
    budget_ -= n;
  }

  [[noreturn]] void fail(const std::string& why) const {
    throw IOError("'" + path_ + "' is not an MXNet optimizer states file (a pickle of {index: state}): " +
                  why + (done_ ? std::string() : " (at byte " + std::to_string(at_) + ")"));
  }

 private:
  std::size_t left() const { return d_.size() - pos_; }
  void need(std::uint64_t n, const char* what) {
    if (n > left())
      fail(std::string("truncated: ") + what + " of " + std::to_string(n) + " bytes, but " +
           std::to_string(left()) + " remain");
  }
  std::uint64_t le(int n) {
    need(static_cast<std::uint64_t>(n), "a number");
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i)
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(d_[pos_ + i])) << (8 * i);
    pos_ += static_cast<std::size_t>(n);
    return v;
  }
  unsigned u8() { return static_cast<unsigned>(le(1)); }
  unsigned u16() { return static_cast<unsigned>(le(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(le(4)); }
  std::uint64_t u64() { return le(8); }
  std::int64_t long1() {
    const unsigned n = u8();
    if (n > 8) fail("an integer of " + std::to_string(n) + " bytes (LONG1); indices fit in 8");
    if (n == 0) return 0;
    std::uint64_t v = le(static_cast<int>(n));
    if (n < 8 && (v >> (8 * n - 1)) != 0) v |= ~std::uint64_t{0} << (8 * n);  // sign extension
    return static_cast<std::int64_t>(v);
  }
  std::string line() {
    std::size_t end = d_.find('\n', pos_);
    if (end == std::string_view::npos || end - pos_ > 256) fail("a GLOBAL name without its newline");
    std::string s(d_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }

  std::size_t make(Kind k) {
    nodes_.push_back(Node{k, 0, {}, {}});
    return nodes_.size() - 1;
  }
  std::size_t make_int(Kind k, std::int64_t v) {
    std::size_t id = make(k);
    nodes_[id].integer = v;
    return id;
  }
  std::size_t make_text(Kind k, std::uint64_t n) {
    need(n, k == Kind::bytes ? "bytes" : "a string");
    std::size_t id = make(k);
    nodes_[id].text = d_.substr(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return id;
  }
  std::size_t make_global(const std::string& module, const std::string& name) {
    Global g;
    if (module == "mxnet.ndarray.ndarray" && name == "NDArray")
      g = Global::ndarray;
    else if ((module == "builtins" || module == "__builtin__") && name == "bytearray")
      g = Global::bytearray;
    else if (module == "_codecs" && name == "encode")
      g = Global::codecs_encode;
    else if (module.starts_with("mxnet.optimizer"))
      fail("it pickles the optimizer object '" + module + "." + name +
           "' (Updater.get_states(dump_optimizer=True)); symgrad reads files saved without it, "
           "as Module.save_optimizer_states writes them");
    else
      fail("it names the Python object '" + module + "." + name +
           "'; a states file holds only mxnet.ndarray.ndarray.NDArray and bytearray");
    return make_int(Kind::global, static_cast<std::int64_t>(g));
  }

  void push(std::size_t id) { stack_.push_back(id); }
  std::size_t top() const {
    if (stack_.empty() || (!marks_.empty() && marks_.back() == stack_.size()))
      fail("a value is missing on the stack");
    return stack_.back();
  }
  std::size_t pop() {
    std::size_t id = top();
    stack_.pop_back();
    return id;
  }
  // The stack height at the last MARK, which is removed.
  std::size_t pop_mark() {
    if (marks_.empty()) fail("an opcode needs a MARK and none is open");
    std::size_t m = marks_.back();
    marks_.pop_back();
    return m;
  }
  std::size_t memo(std::uint64_t key) const {
    auto it = memo_.find(key);
    if (it == memo_.end()) fail("memo entry " + std::to_string(key) + " is read before it is written");
    return it->second;
  }
  // A tuple of the top n values.
  void push_tuple(std::size_t n) {
    if (n > stack_.size() || (!marks_.empty() && stack_.size() - n < marks_.back()))
      fail("a tuple of more values than the stack holds");
    std::size_t id = make(Kind::tuple);
    nodes_[id].items.assign(stack_.end() - static_cast<std::ptrdiff_t>(n), stack_.end());
    stack_.resize(stack_.size() - n);
    push(id);
  }
  // APPEND(S) and SETITEM(S): the values above stack height `from` go into the list or dict below.
  void add_items(Kind k, std::size_t from) {
    if (from == 0 || from > stack_.size() || (!marks_.empty() && from - 1 < marks_.back()))
      fail(k == Kind::list ? "APPEND without a list" : "SETITEM without a dict");
    Node& target = nodes_[stack_[from - 1]];
    if (target.kind != k)
      fail(k == Kind::list ? "APPEND to something other than a list"
                           : "SETITEM to something other than a dict");
    if (k == Kind::dict && (stack_.size() - from) % 2 != 0) fail("SETITEMS with a key but no value");
    target.items.insert(target.items.end(), stack_.begin() + static_cast<std::ptrdiff_t>(from), stack_.end());
    stack_.resize(from);
  }
  // bytes from protocol 2's _codecs.encode(text, 'latin1'): UTF-8 code points below 256.
  std::size_t latin1(const Node& text, const Node& encoding) {
    if (text.kind != Kind::string || encoding.kind != Kind::string ||
        (encoding.text != "latin1" && encoding.text != "latin-1"))
      fail("_codecs.encode other than of a string to 'latin1'");
    std::string out;
    for (std::size_t i = 0; i < text.text.size(); ++i) {
      auto c = static_cast<unsigned char>(text.text[i]);
      if (c < 0x80) {
        out.push_back(static_cast<char>(c));
      } else if ((c == 0xC2 || c == 0xC3) && i + 1 < text.text.size() &&
                 (static_cast<unsigned char>(text.text[i + 1]) & 0xC0) == 0x80) {
        out.push_back(
            static_cast<char>(((c & 0x1F) << 6) | (static_cast<unsigned char>(text.text[++i]) & 0x3F)));
      } else {
        fail("latin1 bytes with a character above 255");
      }
    }
    charge(out.size());
    owned_.push_back(std::move(out));
    std::size_t id = make(Kind::bytes);
    nodes_[id].text = owned_.back();
    return id;
  }
  std::size_t reduce(std::size_t callable, std::size_t args, bool newobj) {
    const Node& f = nodes_[callable];
    const Node& a = nodes_[args];
    if (f.kind != Kind::global) fail("REDUCE of something that is not a class or function");
    if (a.kind != Kind::tuple) fail("REDUCE with arguments that are not a tuple");
    auto g = static_cast<Global>(f.integer);
    if (g == Global::ndarray) return make(Kind::ndarray);  // NDArray(None); BUILD gives its data
    if (newobj) fail("NEWOBJ of something other than an NDArray");
    const std::vector<std::size_t>& x = a.items;
    if (g == Global::codecs_encode) {
      if (x.size() != 2) fail("_codecs.encode with other than 2 arguments");
      return latin1(nodes_[x[0]], nodes_[x[1]]);
    }
    // bytearray(), bytearray(bytes) or, from Python 2, bytearray(text, 'latin-1')
    if (x.empty()) return make(Kind::bytes);
    if (x.size() == 2) return latin1(nodes_[x[0]], nodes_[x[1]]);
    if (x.size() != 1 || nodes_[x[0]].kind != Kind::bytes) fail("bytearray of something other than bytes");
    std::size_t id = make(Kind::bytes);
    nodes_[id].text = nodes_[x[0]].text;  // shares the bytes, copies nothing
    return id;
  }

  std::string_view d_;
  std::string path_;
  std::size_t pos_ = 0, at_ = 0;
  bool done_ = false;  // read to STOP: later errors are about values, not bytes
  std::uint64_t budget_;
  std::deque<Node> nodes_;
  std::deque<std::string> owned_;
  std::vector<std::size_t> stack_, marks_;
  std::unordered_map<std::uint64_t, std::size_t> memo_;
};

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
