// The pickle reader of opt/states_file-inl.hpp: a bounded stack machine over the opcodes that
// MXNet's optimizer .states files use (states_file.hpp says which and why).
#pragma once
#include <cstdint>
#include <cstdio>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../ndarray/io.hpp"
#include "states_file.hpp"

namespace SYMGRAD_NS::opt::states_file::detail {

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

}  // namespace SYMGRAD_NS::opt::states_file::detail
