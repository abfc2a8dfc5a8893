// Operator attributes as MXNet stores them in symbol JSON: a sorted map of strings whose values
// are Python's str() of the value ("128", "True", "(3, 3)", "0.5"). Each operator's parameter
// struct converts to and from this map with the helpers below.
#pragma once
#include <climits>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>
#include "config.hpp"

#include "error.hpp"

namespace SYMGRAD_NS {

using AttrMap = std::map<std::string, std::string, std::less<>>;

namespace attr {

std::string format(bool v);
std::string format(int v);
std::string format(std::int64_t v);
// Python repr of a float: shortest round-trip digits, "1.0" for integral values.
std::string format(double v);
// A number for messages: integral values without a fraction ("3", "-1"), others as format().
std::string format_number(double v);
std::string format(const std::string& v);
std::string format(const char* v);
std::string format(const std::vector<std::int64_t>& v);

[[noreturn]] void bad(std::string_view op, std::string_view key, std::string_view value,
                      std::string_view expected);

std::string_view trim(std::string_view s);

bool parse_bool(std::string_view op, std::string_view key, std::string_view v);
// An integer, also written as an integral float ("1.0", "1e3"); a ValueError for anything that is
// not an integer or does not fit (int64: |v| < 2^63; int: the range of int).
std::int64_t parse_int(std::string_view op, std::string_view key, std::string_view v);
int parse_int32(std::string_view op, std::string_view key, std::string_view v);
double parse_float(std::string_view op, std::string_view key, std::string_view v);
// A float32 value: finite values beyond float's range are an error ("inf" and "nan" stay).
float parse_float32(std::string_view op, std::string_view key, std::string_view v);
// "(3, 3)", "[3,3]", "3" and "(3,)" all parse; "None" and "()" give an empty tuple.
std::vector<std::int64_t> parse_tuple(std::string_view op, std::string_view key, std::string_view v);

// A tuple whose items may be None ("(0, None)"), as slice's begin/end; None is kNone.
inline constexpr std::int64_t kNone = INT64_MIN;
std::vector<std::int64_t> parse_opt_tuple(std::string_view op, std::string_view key, std::string_view v);
std::string format_opt(const std::vector<std::int64_t>& v);

// Reads the attributes of one operator, rejecting names it does not know.
class Reader {
 public:
  Reader(std::string_view op, const AttrMap& m) : op_(op), m_(m) {}
  const std::string* find(std::string_view key);
  void get(std::string_view key, bool& v) {
    if (auto p = find(key)) v = parse_bool(op_, key, *p);
  }
  void get(std::string_view key, int& v) {
    if (auto p = find(key)) v = parse_int32(op_, key, *p);
  }
  void get(std::string_view key, std::int64_t& v) {
    if (auto p = find(key)) v = parse_int(op_, key, *p);
  }
  void get(std::string_view key, double& v) {
    if (auto p = find(key)) v = parse_float(op_, key, *p);
  }
  void get(std::string_view key, float& v) {
    if (auto p = find(key)) v = parse_float32(op_, key, *p);
  }
  void get(std::string_view key, std::string& v) {
    if (auto p = find(key)) v = *p;
  }
  void get(std::string_view key, std::vector<std::int64_t>& v) {
    if (auto p = find(key)) v = parse_tuple(op_, key, *p);
  }
  void get_opt(std::string_view key, std::vector<std::int64_t>& v) {
    if (auto p = find(key)) v = parse_opt_tuple(op_, key, *p);
  }
  // An integer that may be None (kNone).
  void get_opt(std::string_view key, std::int64_t& v) {
    if (auto p = find(key)) v = trim(*p) == "None" ? kNone : parse_int(op_, key, *p);
  }
  // Keys of the form __x__ are user attributes, not parameters; anything else unread is an error.
  void finish() const;

 private:
  bool read(const std::string& k) const { return seen_.count(k) != 0; }
  std::string_view op_;
  const AttrMap& m_;
  std::map<std::string, int, std::less<>> seen_;
};

}  // namespace attr
}  // namespace SYMGRAD_NS
